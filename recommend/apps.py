from django.apps import AppConfig


class RecommendConfig(AppConfig):
    name = "recommend"
    verbose_name = "용도별 추천"

    def ready(self) -> None:
        from catalog.panels import register_product_panel
        from recommend.views import product_panel

        register_product_panel("recommend", product_panel, order=40)
