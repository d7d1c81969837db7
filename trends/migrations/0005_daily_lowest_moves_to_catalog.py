"""The daily lowest price has one home, catalog.DailyLowestPrice (kept by the catalog's price
services): trends' copy of it and the queue of touched products that fed the copy go away."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_daily_lowest_price"),
        ("trends", "0004_market_rollups_with_parts"),
    ]

    operations = [
        migrations.DeleteModel(name="PendingPrices"),
        migrations.DeleteModel(name="DailyLowest"),
    ]
