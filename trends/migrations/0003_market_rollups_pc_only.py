"""The dashboard's rollups now hold PC categories only (trends.querysets.MARKET_KINDS): forget
the rollups' state so that the next refresh or dashboard read rebuilds them without the sofas."""

from django.db import migrations

forget_state = migrations.RunSQL(
    "DELETE FROM trends_marketrollup",
    reverse_sql=migrations.RunSQL.noop,
)


class Migration(migrations.Migration):
    dependencies = [
        ("trends", "0002_dashboard_rollups"),
    ]

    operations = [forget_state]
