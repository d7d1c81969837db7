from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "카탈로그"

    def ready(self) -> None:
        from catalog.signals import prices_recorded, products_changed
        from catalog.stats import forget_catalog_counts

        # the home page's cached counts follow every catalog write
        products_changed.connect(forget_catalog_counts, dispatch_uid="catalog-counts-products")
        prices_recorded.connect(forget_catalog_counts, dispatch_uid="catalog-counts-prices")
