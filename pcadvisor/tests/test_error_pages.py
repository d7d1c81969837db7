"""Error pages are Korean and in the site's layout, with DEBUG off (the default): 404, 500,
the CSRF failure page, and the API's 404s."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path

from pcadvisor import urls as site_urls

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("터졌습니다")


urlpatterns = [*site_urls.urlpatterns, path("boom/", boom)]
handler404 = getattr(site_urls, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(site_urls, "handler500", "django.views.defaults.server_error")


def in_site_layout(html: str) -> bool:
    return '<header class="site-header">' in html and 'href="/catalog/"' in html


def test_an_unknown_page_is_a_korean_404_in_the_site_layout(client, settings) -> None:
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in html and in_site_layout(html)
    assert "Not Found" not in html


def test_an_unknown_product_page_is_a_korean_404_without_django_english(client, settings) -> None:
    settings.DEBUG = False
    html = client.get("/catalog/products/987654/").content.decode()
    assert "페이지를 찾을 수 없습니다" in html and in_site_layout(html)
    assert "matches the given query" not in html


def test_a_server_error_is_a_korean_500_in_the_site_layout(settings) -> None:
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "문제가 생겼습니다" in html and in_site_layout(html)
    assert "터졌습니다" not in html and "Server Error" not in html


def test_a_csrf_failure_is_a_korean_403_that_never_mentions_debug(settings) -> None:
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/pricing/", {"ram_gb": "16"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "보안 확인" in html and in_site_layout(html)
    assert "DEBUG" not in html and "CSRF verification failed" not in html


def test_api_404s_are_korean(client) -> None:
    response = client.get("/api/v1/products/987654/")
    assert response.status_code == 404
    assert response.json() == {"detail": "찾을 수 없습니다."}
