from django.apps import AppConfig


class TrendsConfig(AppConfig):
    name = "trends"
    verbose_name = "가격 추세"

    def ready(self) -> None:
        from catalog.panels import register_product_panel
        from catalog.signals import prices_recorded, products_changed
        from trends.forecaster import invalidate_forecaster
        from trends.tasks import schedule_refresh
        from trends.views import panel_version, product_panel

        products_changed.connect(invalidate_forecaster, dispatch_uid="trends-products-changed")
        prices_recorded.connect(invalidate_forecaster, dispatch_uid="trends-prices-invalidate")
        prices_recorded.connect(schedule_refresh, dispatch_uid="trends-prices-refresh")
        # the forecast follows the catalog's prices only (the forecaster is rebuilt from them):
        # its HTML is cached under the catalog's data version and the latest backtest's id
        register_product_panel(
            "trends", product_panel, order=20, with_history=True, cache_version=panel_version
        )
