from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = "적정가"

    def ready(self) -> None:
        from django.conf import settings
        from django.core.signals import setting_changed

        from catalog.panels import register_product_panel
        from catalog.signals import prices_recorded, products_changed
        from pricing import receivers
        from pricing.ml import backbone
        from pricing.views import parts_sum_panel, pricing_panel

        products_changed.connect(receivers.on_products_changed, dispatch_uid="pricing-products")
        prices_recorded.connect(receivers.on_prices_recorded, dispatch_uid="pricing-prices")
        register_product_panel("pricing", pricing_panel, order=10)
        # catalog prices only (component products' and the desktop's own): cached under the
        # catalog's data version, which every price write bumps
        register_product_panel(
            "parts_sum", parts_sum_panel, order=15, cache_version=lambda product: "parts-sum-1"
        )
        # the ml package takes its model folder from here (it imports no Django)
        backbone.configure(settings.MODEL_DIR)
        setting_changed.connect(_model_dir_changed, dispatch_uid="pricing-model-dir")


def _model_dir_changed(*, setting: str, value: object, **kwargs: object) -> None:
    """Tests (and ``override_settings``) that move ``MODEL_DIR`` move the backbone's too."""
    if setting == "MODEL_DIR":
        from pricing.ml import backbone

        backbone.configure(value)
