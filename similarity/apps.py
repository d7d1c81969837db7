from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    name = "similarity"
    verbose_name = "유사 상품"

    def ready(self) -> None:
        from catalog.signals import products_changed
        from similarity import receivers

        products_changed.connect(receivers.on_products_changed, dispatch_uid="similarity-products")
