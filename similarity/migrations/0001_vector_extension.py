from django.db import migrations
from pgvector.django import VectorExtension


class Migration(migrations.Migration):
    """pgvector for the CLIP image embeddings (HNSW, cosine)."""

    initial = True
    dependencies = []
    operations = [VectorExtension()]
