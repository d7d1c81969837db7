from django.db import migrations, models

# Danawa's PC-part categories, which were stored as "other" before the "part" kind existed.
PART_CODES = ["112752", "112751", "112760", "112763", "112777", "112775", "11236855", "112757"]


def forwards(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    Category.objects.filter(code__in=PART_CODES, kind="other").update(kind="part")


def backwards(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    Category.objects.filter(kind="part").update(kind="other")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_danawa_daily_crawl_schedule"),
    ]

    operations = [
        migrations.AlterField(
            model_name="category",
            name="kind",
            field=models.CharField(
                choices=[
                    ("desktop", "데스크톱"),
                    ("cpu", "CPU"),
                    ("gpu", "그래픽카드"),
                    ("laptop", "노트북"),
                    ("part", "PC 부품"),
                    ("other", "PC 외 상품"),
                ],
                default="other",
                max_length=16,
                verbose_name="종류",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
