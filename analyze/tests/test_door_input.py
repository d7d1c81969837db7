"""What the front door accepts (every form with a real-looking example) and refuses (each with
a Korean message), read without any network I/O."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analyze.door import DoorInput, DoorRefusal, parse_door_input
from analyze.models import DoorRequest
from catalog.tests.fake_danawa import FakeDanawa

ACCEPTED_LINKS = [
    ("https://prod.danawa.com/info/?pcode=20157388&cate=112756", "link"),
    ("http://prod.danawa.com/info/?keyword=&pcode=20157388", "link"),
    ("https://prod.danawa.com/info/?pcode=20157388", "link"),
    ("  https://prod.danawa.com/info/?pcode=20157388&cate=112756#bookmark  ", "link"),
    ("prod.danawa.com/info/?pcode=20157388", "link"),
    ("https://m.danawa.com/product/product.html?code=20157388&cateCode=112756", "mobile_link"),
    ("https://m.danawa.com/product/product.html?cateCode=112756&code=20157388", "mobile_link"),
]


@pytest.mark.parametrize(("text", "source"), ACCEPTED_LINKS)
def test_it_reads_the_pcode_of_danawa_product_links(text: str, source: str) -> None:
    assert parse_door_input(text) == DoorInput(kind="pcode", pcode="20157388", source=source)


def test_it_takes_a_bare_pcode() -> None:
    assert parse_door_input("20157388") == DoorInput(kind="pcode", pcode="20157388")
    assert parse_door_input(" 1568933 ").pcode == "1568933"


@pytest.mark.parametrize(
    "text",
    ["LG전자 2023 데스크톱 B80QV-AX5576", "RTX 4060", "i5-13400F", "13400", "3.4GHz 데스크톱"],
)
def test_anything_that_is_not_a_link_is_a_name_search(text: str) -> None:
    parsed = parse_door_input(text)
    assert parsed.kind == "name"
    assert parsed.query == " ".join(text.split())


REFUSED = [
    (
        "https://danawa.com.evil.example/info/?pcode=20157388",
        "look_alike",
        "다나와(danawa.com)가 아닌",
    ),
    ("danawa.com.evil.example/info/?pcode=20157388", "look_alike", "danawa.com.evil.example"),
    ("https://evil-danawa.com/info/?pcode=20157388", "look_alike", "evil-danawa.com"),
    ("https://danawa.com@evil.example/", "userinfo", "사용자 정보"),
    ("https://prod.danawa.com:x@evil.example/info/?pcode=1", "userinfo", "사용자 정보"),
    ("https://www.example.com/info/?pcode=20157388", "other_host", "다나와 주소가 아닙니다"),
    ("https://shopping.naver.com/catalog/20157388", "other_host", "shopping.naver.com"),
    ("http://127.0.0.1/info/?pcode=20157388", "ip_address", "IP 주소"),
    ("http://2130706433/info/?pcode=20157388", "ip_address", "IP 주소"),
    ("http://[::1]/info/?pcode=20157388", "ip_address", "IP 주소"),
    ("10.0.0.1:8000/info/?pcode=20157388", "ip_address", "IP 주소"),
    ("https://prod.danawa.com:8443/info/?pcode=20157388", "port", "포트"),
    ("https://prod.danawa.com:443/info/?pcode=20157388", "port", "포트"),
    ("file:///etc/passwd", "scheme", "file:"),
    ("javascript:alert(document.cookie)", "scheme", "javascript:"),
    ("JavaScript:alert(1)//https://prod.danawa.com/info/?pcode=1", "scheme", "javascript:"),
    ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "scheme", "data:"),
    ("ftp://prod.danawa.com/info/?pcode=20157388", "scheme", "ftp:"),
    ("https://danawa.page.link/AbCd1234", "short_link", "단축 링크"),
    (
        "https://prod.danawa.com/list/?cate=112756",
        "not_product_page",
        "상품 페이지 주소가 아닙니다",
    ),
    ("https://prod.danawa.com/info/?pcode=abc", "not_product_page", "상품 페이지 주소가 아닙니다"),
    ("https://www.danawa.com/", "not_product_page", "상품 페이지 주소가 아닙니다"),
    ("https://prod.danawa.com/info/?pcode=20157388\\@evil.example", "malformed", "역슬래시"),
    ("https://prod.danawa.com/info/?pcode=1\x1b[2J", "control", "제어 문자"),
    ("1234567890123", "bad_pcode", "6~12자리"),
    ("a", "short_name", "2글자"),
    ("   ", "empty", "입력하세요"),
    ("https://prod.danawa.com/info/?pcode=20157388&x=" + "a" * 500, "too_long", "500자"),
]


@pytest.mark.parametrize(("text", "code", "words"), REFUSED)
def test_it_refuses_what_is_not_a_danawa_product_with_a_korean_message(
    text: str, code: str, words: str
) -> None:
    parsed = parse_door_input(text)
    assert isinstance(parsed, DoorRefusal), parsed
    assert (parsed.code, parsed.kind) == (code, "refused")
    assert words in parsed.message
    assert any("\uac00" <= ch <= "\ud7a3" for ch in parsed.message)


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "code", "words"), REFUSED)
def test_the_door_page_refuses_them_without_any_request(
    client, danawa: FakeDanawa, text: str, code: str, words: str
) -> None:
    for response in (
        client.get(reverse("analyze:door"), {"q": text}),
        client.post(reverse("analyze:door"), {"q": text}),
    ):
        assert response.status_code == 400
        assert words in response.content.decode()
    assert danawa.log == []
    assert not DoorRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "code", "words"), REFUSED)
def test_the_api_refuses_them_with_400_and_without_any_request(
    client, danawa: FakeDanawa, text: str, code: str, words: str
) -> None:
    response = client.post(
        reverse("analyze-api:analyze"), {"url": text}, content_type="application/json"
    )
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert danawa.log == []
    assert not DoorRequest.objects.exists()
