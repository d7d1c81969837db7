from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "카탈로그"

    def ready(self) -> None:
        from catalog.signals import prices_recorded, products_changed
        from catalog.stats import forget_catalog_counts
        from catalog.versions import bump_catalog_version

        # the home page's cached counts follow every catalog write
        products_changed.connect(forget_catalog_counts, dispatch_uid="catalog-counts-products")
        prices_recorded.connect(forget_catalog_counts, dispatch_uid="catalog-counts-prices")
        # and so do the entries keyed by the catalog's data version (catalog.versions)
        products_changed.connect(bump_catalog_version, dispatch_uid="catalog-version-products")
        prices_recorded.connect(bump_catalog_version, dispatch_uid="catalog-version-prices")
