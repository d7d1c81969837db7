"""NUL bytes from a client never reach PostgreSQL (whose text fields cannot hold them).

A request with a NUL in its path, query string or form data is refused with a 400 before any
view runs; Basic-auth credentials with a NUL are refused with a 401 before any user lookup.
"""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


def _basic(credentials: bytes) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials).decode()}


@pytest.mark.parametrize("credentials", [b"a\x00b:x", b"admin:pass\x00word", b"\x00:\x00"])
def test_basic_auth_with_a_nul_byte_is_refused_with_401_before_any_lookup(
    lenient_client: Client, credentials: bytes, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        response = lenient_client.get("/api/v1/manufacturers/", **_basic(credentials))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert "detail" in response.json()


def test_basic_auth_with_a_nul_byte_is_refused_on_every_api_endpoint(
    lenient_client: Client,
) -> None:
    for url in ("/api/v1/products/", "/api/v1/categories/", "/api/v1/pricing/model/"):
        response = lenient_client.get(url, **_basic(b"a\x00b:x"))
        assert response.status_code == 401, url


def test_good_basic_auth_still_works(lenient_client: Client) -> None:
    get_user_model().objects.create_user("staff", password="s3cret-pw", is_staff=True)
    response = lenient_client.get("/api/v1/manufacturers/", **_basic(b"staff:s3cret-pw"))
    assert response.status_code == 200
    response = lenient_client.get("/api/v1/manufacturers/", **_basic(b"staff:wrong"))
    assert response.status_code in {401, 403}


def test_authenticate_refuses_a_nul_username_without_a_database_error(
    django_assert_num_queries,
) -> None:
    with django_assert_num_queries(0):
        assert authenticate(username="a\x00b", password="x") is None
        assert authenticate(username="admin", password="x\x00") is None


@pytest.mark.parametrize(
    "url", ["/catalog/?q=a%00b", "/catalog/?category=%00", "/pricing/?cpu=%00", "/?x%00=1"]
)
def test_a_nul_byte_in_a_page_query_parameter_answers_400_in_korean(
    lenient_client: Client, url: str
) -> None:
    response = lenient_client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "허용되지 않는 문자" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/products/?search=%00",
        "/api/v1/products/?q=a%00b",
        "/api/v1/manufacturers/?name=%00",
        "/api/v1/trends/market/?band=%00",
    ],
)
def test_a_nul_byte_in_an_api_query_parameter_answers_400_json(
    lenient_client: Client, url: str
) -> None:
    response = lenient_client.get(url)
    assert response.status_code == 400
    assert "허용되지 않는 문자" in response.json()["detail"]


def test_a_nul_byte_in_the_path_answers_400(lenient_client: Client) -> None:
    assert lenient_client.get("/catalog/%00/").status_code == 400
    assert lenient_client.get("/api/v1/products/%00/").status_code == 400


def test_a_nul_byte_in_a_posted_form_field_answers_400(lenient_client: Client) -> None:
    response = lenient_client.post("/pricing/", {"cpu": "i5\x00", "ram_gb": "16"})
    assert response.status_code == 400
    assert "허용되지 않는 문자" in response.content.decode()


def test_the_admin_login_form_refuses_a_nul_username_with_400(lenient_client: Client) -> None:
    response = lenient_client.post(
        "/admin/login/?next=/admin/", {"username": "a\x00b", "password": "x"}
    )
    assert response.status_code == 400
    assert "허용되지 않는 문자" in response.content.decode()


def test_the_admin_login_still_works_for_a_real_user(lenient_client: Client) -> None:
    get_user_model().objects.create_user(
        "boss", password="s3cret-pw", is_staff=True, is_superuser=True
    )
    response = lenient_client.post(
        "/admin/login/?next=/admin/", {"username": "boss", "password": "s3cret-pw"}
    )
    assert response.status_code == 302
    assert lenient_client.get("/admin/").status_code == 200


def test_a_nul_byte_in_a_json_body_is_a_validation_error_not_a_500(lenient_client: Client) -> None:
    response = lenient_client.post(
        "/api/v1/pricing/estimate/",
        {"cpu": "i5\x00", "ram_gb": 16},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_a_nul_byte_in_the_session_cookie_is_treated_as_no_session(lenient_client: Client) -> None:
    response = lenient_client.get("/catalog/", HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"')
    assert response.status_code == 200


def test_ordinary_query_parameters_are_untouched(lenient_client: Client) -> None:
    assert lenient_client.get("/catalog/?q=RTX+4060").status_code == 200
    assert lenient_client.get("/api/v1/products/?search=%EC%9D%B8%ED%85%94").status_code == 200
