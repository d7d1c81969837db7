from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = "적정가"

    def ready(self) -> None:
        from catalog.panels import register_product_panel
        from catalog.signals import prices_recorded, products_changed
        from pricing import receivers
        from pricing.views import pricing_panel

        products_changed.connect(receivers.on_products_changed, dispatch_uid="pricing-products")
        prices_recorded.connect(receivers.on_prices_recorded, dispatch_uid="pricing-prices")
        register_product_panel("pricing", pricing_panel, order=10)
