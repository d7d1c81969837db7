"""Every page carries a Content-Security-Policy that allows only the site's own scripts,
styles and images, and a Permissions-Policy; no page has an inline script or event handler
(the policy would block it, so a test catches it first); static files are not shared with
other origins."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from catalog.demo.service import seed_demo
from catalog.models import Product

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style[\s>]", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.fixture
def demo() -> Product:
    seed_demo(products=12, days=3, others_per_category=1)
    return Product.objects.filter(category__kind="desktop").order_by("pk").first()


def _pages(product: Product) -> list[str]:
    return [
        "/",
        "/catalog/",
        product.get_absolute_url(),
        f"/analyze/{product.pcode}/",
        "/analyze/",
        f"/similarity/products/{product.pk}/",
        "/similarity/photo/",
        "/pricing/",
        "/pricing/model/",
        "/trends/",
        "/recommend/?use=gaming",
        "/recommend/",
        "/api/docs/",
        "/no-such-page/",
    ]


def test_every_page_has_the_policies_and_no_inline_script(client: Client, demo: Product) -> None:
    for url in _pages(demo):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, url
        assert "'unsafe-inline'" not in csp.split("style-src-attr")[0], (url, csp)
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "camera=()" in response["Permissions-Policy"], url
        html = response.content.decode()
        assert INLINE_SCRIPT.findall(html) == [], url
        assert EVENT_HANDLER.findall(html) == [], url
        # nothing is loaded from other hosts; the only outbound links are Danawa's pages
        assert re.findall(r'\ssrc="(?:https?:)?//', html) == [], url
        for link in re.findall(r'\shref="((?:https?:)?//[^"]*)"', html):
            assert re.match(r"https://(prod|m)\.danawa\.com/", link), (url, link)


def test_the_admin_pages_have_no_inline_script(admin_client: Client, demo: Product) -> None:
    for url in (
        "/admin/",
        "/admin/catalog/product/",
        f"/admin/catalog/product/{demo.pk}/change/",
        "/admin/similarity/imageembedding/status/",
        "/admin/similarity/duplicatecandidate/",
        "/admin/analyze/doorrequest/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert INLINE_SCRIPT.findall(response.content.decode()) == [], url


def test_static_files_are_not_shared_with_every_origin(client: Client) -> None:
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
