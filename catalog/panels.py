"""Product-page panels contributed by higher apps (pricing, trends, similarity, recommend).

The catalog's product page must not import those apps (dependencies point one way), so they
register a panel in their ``AppConfig.ready()``; the product page renders every registered
panel in order. A panel returns the template to include and its context, or None to hide.
A panel registered ``with_history`` is called with the product's price history too
(``history=``, a ``catalog.history.PriceHistory`` of every recorded day), which the page has
read once for itself and all of them.

A panel whose HTML depends on nothing but the product and data (not on the visitor: no user,
no CSRF token) may be registered with ``cache_version``, a function of the product giving the
version of the panel's own data (a model's version, an index's); its rendered HTML is then
cached per product under that version and the catalog's data version
(``catalog.versions``), so a new price, product or model shows up on the next request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from catalog.versions import VERSIONED_SECONDS, catalog_version
from core.caching import cached

logger = logging.getLogger(__name__)

PanelFunc = Callable[[HttpRequest, object], "tuple[str, dict] | None"]
VersionFunc = Callable[[object], str]
PANEL_SECONDS = VERSIONED_SECONDS


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    func: PanelFunc
    with_history: bool = False
    cache_version: VersionFunc | None = None


_PANELS: dict[str, Panel] = {}


def register_product_panel(
    key: str,
    func: PanelFunc,
    order: int = 100,
    *,
    with_history: bool = False,
    cache_version: VersionFunc | None = None,
) -> None:
    """Register (or replace) the product-page panel ``key``; ``with_history``: call it with
    ``history=`` (the page's price history of the product) too; ``cache_version``: cache its
    HTML per product and version (see the module's docstring)."""
    _PANELS[key] = Panel(key, order, func, with_history, cache_version)


def panel_cache_key(panel: Panel, product: object) -> str:
    """The cache key of ``panel``'s HTML for ``product``: the catalog's data version and the
    panel's own."""
    version = panel.cache_version(product) if panel.cache_version else ""
    return f"panel:{panel.key}:{getattr(product, 'pk', None)}:{catalog_version()}:{version}"


def render_product_panels(
    request: HttpRequest, product: object, *, history: object | None = None
) -> list[dict[str, object]]:
    """[{key, html}] for the product page, in order. A failing panel is logged and skipped so
    that one broken feature never takes the product page down."""
    out = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        try:
            if panel.cache_version is None:
                html = _render(panel, request, product, history)
            else:
                html = cached(
                    panel_cache_key(panel, product),
                    PANEL_SECONDS,
                    lambda panel=panel: _render(panel, request, product, history) or "",
                )
        except Exception:
            logger.exception(
                "product panel %s failed for product %s", panel.key, getattr(product, "pk", None)
            )
            continue
        if html:
            # our own template's output, also when it comes back from the cache
            out.append({"key": panel.key, "html": mark_safe(html)})  # noqa: S308
    return out


def _render(
    panel: Panel, request: HttpRequest, product: object, history: object | None
) -> str | None:
    """The panel's HTML, None when it hides itself."""
    if panel.with_history and history is not None:
        result = panel.func(request, product, history=history)
    else:
        result = panel.func(request, product)
    if result is None:
        return None
    template, context = result
    return render_to_string(template, context, request=request)
