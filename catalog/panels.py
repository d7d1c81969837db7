"""Product-page panels contributed by higher apps (pricing, trends, similarity, recommend).

The catalog's product page must not import those apps (dependencies point one way), so they
register a panel in their ``AppConfig.ready()``; the product page renders every registered
panel in order. A panel returns the template to include and its context, or None to hide.
A panel registered ``with_history`` is called with the product's price history too
(``history=``, a ``catalog.history.PriceHistory`` of every recorded day), which the page has
read once for itself and all of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

logger = logging.getLogger(__name__)

PanelFunc = Callable[[HttpRequest, object], "tuple[str, dict] | None"]


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    func: PanelFunc
    with_history: bool = False


_PANELS: dict[str, Panel] = {}


def register_product_panel(
    key: str, func: PanelFunc, order: int = 100, *, with_history: bool = False
) -> None:
    """Register (or replace) the product-page panel ``key``; ``with_history``: call it with
    ``history=`` (the page's price history of the product) too."""
    _PANELS[key] = Panel(key, order, func, with_history)


def render_product_panels(
    request: HttpRequest, product: object, *, history: object | None = None
) -> list[dict[str, object]]:
    """[{key, template, context}] for the product page, in order. A failing panel is logged and
    skipped so that one broken feature never takes the product page down."""
    out = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        try:
            if panel.with_history and history is not None:
                result = panel.func(request, product, history=history)
            else:
                result = panel.func(request, product)
        except Exception:
            logger.exception(
                "product panel %s failed for product %s", panel.key, getattr(product, "pk", None)
            )
            continue
        if result is not None:
            template, context = result
            out.append({"key": panel.key, "template": template, "context": context})
    return out
