"""Product.gpu_integrated: whether the product's GPU is integrated graphics, stored with the specs
(issue 9.3). The backfill applies the rule the product services apply from now on
(``catalog.specs.is_integrated_gpu`` on the stored ``gpu_model``)."""

from django.db import migrations, models

BATCH = 2000


def backfill(apps, schema_editor) -> None:
    from catalog.specs import is_integrated_gpu

    Product = apps.get_model("catalog", "Product")
    ids = [
        pk
        for pk, gpu_model in Product.objects.exclude(gpu_model="").values_list("pk", "gpu_model")
        if is_integrated_gpu(gpu_model)
    ]
    for start in range(0, len(ids), BATCH):
        Product.objects.filter(pk__in=ids[start : start + BATCH]).update(gpu_integrated=True)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_korean_field_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="gpu_integrated",
            field=models.BooleanField(default=False, editable=False, verbose_name="내장 그래픽"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
