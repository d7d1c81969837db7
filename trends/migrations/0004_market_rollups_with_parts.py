"""The dashboard's rollups now count PC parts too (MARKET_KINDS = catalog.models.PC_KINDS) and
classify each change as it is shown (trends.forecast.direction_of): forget the rollups' state
so that the next refresh or dashboard read rebuilds them."""

from django.db import migrations

forget_state = migrations.RunSQL(
    "DELETE FROM trends_marketrollup",
    reverse_sql=migrations.RunSQL.noop,
)


class Migration(migrations.Migration):
    dependencies = [
        ("trends", "0003_market_rollups_pc_only"),
    ]

    operations = [forget_state]
