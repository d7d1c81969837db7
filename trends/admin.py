from django.contrib import admin

from trends.models import BacktestRun


@admin.register(BacktestRun)
class BacktestRunAdmin(admin.ModelAdmin):
    """Backtest runs, newest first: the first row is the figure the product reports."""

    list_display = [
        "created_at",
        "source",
        "kinds",
        "date_from",
        "date_to",
        "decisions",
        "accuracy",
        "macro_f1",
        "always_flat",
        "momentum",
        "saving_pct",
        "beats_baselines",
    ]
    list_filter = ["kinds"]
    readonly_fields = [f.name for f in BacktestRun._meta.fields]
    fields = [
        "created_at",
        "source",
        "kinds",
        ("date_from", "date_to", "step_days"),
        "decisions",
        ("accuracy", "macro_f1", "always_flat", "momentum", "saving_pct"),
        "last_line",
        "report",
        "metrics",
        "seconds",
    ]

    @admin.display(boolean=True, description="기준선보다 나음")
    def beats_baselines(self, obj: BacktestRun) -> bool:
        return obj.beats_baselines

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
