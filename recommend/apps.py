from django.apps import AppConfig


class RecommendConfig(AppConfig):
    name = "recommend"
    verbose_name = "용도별 추천"

    def ready(self) -> None:
        from catalog.panels import register_product_panel
        from recommend.views import PANEL_VERSION, product_panel

        # scores and budget-peer ranks follow the catalog's prices and benchmarks only (the
        # catalog's data version); use-case weights edited in admin show within PANEL_SECONDS
        register_product_panel(
            "recommend", product_panel, order=40, cache_version=lambda product: PANEL_VERSION
        )
