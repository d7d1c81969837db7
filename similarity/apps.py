from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    name = "similarity"
    verbose_name = "유사 상품"

    def ready(self) -> None:
        from catalog.panels import register_product_panel
        from catalog.signals import products_changed
        from similarity import receivers
        from similarity.views import similarity_panel, similarity_panel_version

        products_changed.connect(receivers.on_products_changed, dispatch_uid="similarity-products")
        register_product_panel(
            "similarity", similarity_panel, order=30, cache_version=similarity_panel_version
        )
