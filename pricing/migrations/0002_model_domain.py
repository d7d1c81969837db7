from django.db import migrations, models

# catalog.models.PC_KINDS when this migration was written (migrations do not import app code).
PC_KINDS = ["desktop", "laptop", "cpu", "gpu", "part"]


def drop_non_pc_predictions(apps, schema_editor):
    """Stored estimates of sofas, jackets and shoes were never fair prices: remove them."""
    PricePrediction = apps.get_model("pricing", "PricePrediction")
    PricePrediction.objects.exclude(product__category__kind__in=PC_KINDS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pricing", "0001_initial"),
        ("catalog", "0003_category_kind_part"),
    ]

    operations = [
        migrations.AddField(
            model_name="pricingmodel",
            name="domain",
            field=models.JSONField(blank=True, default=dict, verbose_name="학습 범위"),
        ),
        migrations.RunPython(drop_non_pc_predictions, migrations.RunPython.noop),
    ]
