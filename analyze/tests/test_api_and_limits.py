"""``POST /api/v1/analyze/`` (200 analysis or search results / 202 crawling / 400 refused /
429 rate-limited) and its schema, the status endpoint, the per-client limit on new crawls, and
the home page that leads with the door."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analyze import tasks
from analyze.crawl import status_url
from analyze.models import DoorRequest
from catalog.services import PriceRow, record_prices
from catalog.tests.factories import CategoryFactory, ProductFactory
from catalog.tests.fake_danawa import FakeDanawa, unknown_template

API = reverse("analyze-api:analyze")
DOOR = reverse("analyze:door")
PCODE = "20157388"


def post(client: Client, url: str, **extra: str):
    return client.post(API, {"url": url}, content_type="application/json", **extra)


@pytest.fixture
def queued(monkeypatch) -> list[dict]:
    """Crawl tasks are recorded instead of sent (the crawl stays queued)."""
    sent: list[dict] = []
    monkeypatch.setattr(tasks.crawl_door_request, "apply_async", lambda **kw: sent.append(kw))
    return sent


@pytest.mark.django_db
def test_a_product_priced_today_answers_200_with_its_analysis(client: Client, danawa) -> None:
    product = ProductFactory(pcode=PCODE)
    record_prices([PriceRow(product.pk, timezone.localdate(), 1_050_000, "")])

    response = post(client, f"https://prod.danawa.com/info/?pcode={PCODE}&cate=112756")

    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["pcode"], body["stale"]) == ("analysis", PCODE, False)
    assert body["analysis_url"] == reverse("analyze:analysis", args=[PCODE])
    assert body["analysis"]["product"]["pcode"] == PCODE  # build_analysis's, as on the page
    assert danawa.log == []


@pytest.mark.django_db(transaction=True)
def test_a_new_product_answers_202_with_a_status_url_and_the_status_follows_the_crawl(
    client: Client, danawa: FakeDanawa, queued: list[dict]
) -> None:
    response = post(
        client, f"https://m.danawa.com/product/product.html?code={PCODE}&cateCode=112756"
    )

    assert response.status_code == 202
    body = response.json()
    assert (body["pcode"], body["status"], body["status_url"]) == (
        PCODE,
        "queued",
        status_url(PCODE),
    )
    assert response["Location"] == status_url(PCODE)
    api_status = reverse("analyze-api:status", args=[PCODE])
    assert client.get(api_status).json()["status"] == "queued"
    assert post(client, PCODE).status_code == 202  # joins the same crawl
    assert len(queued) == 1

    tasks.crawl_door_request(**queued[0]["kwargs"])

    state = client.get(api_status).json()
    assert (state["status"], state["stale"]) == ("done", False)
    assert state["analysis_url"] == reverse("analyze:analysis", args=[PCODE])
    ready = post(client, PCODE)
    assert ready.status_code == 200 and ready.json()["kind"] == "analysis"


@pytest.mark.django_db(transaction=True)
def test_a_crawl_that_finishes_before_the_answer_answers_with_its_outcome(
    client: Client, danawa: FakeDanawa, eager: None
) -> None:
    # CELERY_TASK_ALWAYS_EAGER: the crawl runs inside the POST
    assert post(client, PCODE).status_code == 200
    missing = post(client, "99887766")
    assert missing.status_code == 404 and "상품이 없습니다" in missing.json()["detail"]
    danawa.always("product:19284752", unknown_template())
    broken = post(client, "19284752")
    assert broken.status_code == 502 and broken.json()["code"] == "unknown_template"


@pytest.mark.django_db
def test_a_name_search_answers_the_results_or_goes_straight_to_an_exact_hit(
    client: Client, danawa
) -> None:
    desktops = CategoryFactory()
    a = ProductFactory(name="한성컴퓨터 TFG AX5600", category=desktops, current_price=1_290_000)
    ProductFactory(name="한성컴퓨터 TFG AX7800W", category=desktops)
    record_prices([PriceRow(a.pk, timezone.localdate(), 1_290_000, "")])

    several = post(client, "한성컴퓨터 TFG")
    assert several.status_code == 200
    assert several.json()["kind"] == "search"
    assert {r["name"] for r in several.json()["results"]} == {
        "한성컴퓨터 TFG AX5600", "한성컴퓨터 TFG AX7800W",
    }  # fmt: skip
    exact = post(client, "한성컴퓨터 TFG AX5600")
    assert exact.status_code == 200 and exact.json()["pcode"] == a.pcode
    missing = post(client, "존재하지 않는 상품명")
    assert missing.status_code == 404 and "찾지 못했습니다" in missing.json()["detail"]
    assert danawa.log == []


@pytest.mark.django_db
def test_the_door_page_lists_name_search_results_pc_products_first(client: Client) -> None:
    sofa = CategoryFactory(code="sofa", name="소파", kind="other")
    ProductFactory(name="블랙 에디션 소파", category=sofa)
    pc = ProductFactory(name="블랙 에디션 게이밍 PC", category=CategoryFactory())

    page = client.get(DOOR, {"q": "블랙 에디션"})

    html = page.content.decode()
    assert page.status_code == 200 and "검색 결과" in html
    assert html.index("블랙 에디션 게이밍 PC") < html.index("블랙 에디션 소파")
    assert f"?q={pc.pcode}" in html
    one = client.get(DOOR, {"q": "블랙 에디션 게이밍 PC"})
    assert one.status_code == 302 and one["Location"] == f"{DOOR}?q={pc.pcode}"
    assert "찾지 못했습니다" in client.get(DOOR, {"q": "없는 상품"}).content.decode()


@pytest.mark.django_db
def test_the_api_refuses_input_longer_than_500_characters(client: Client) -> None:
    response = post(client, "가" * 501)
    assert response.status_code == 400
    assert "500자" in response.json()["detail"]
    assert post(client, "").status_code == 400
    assert client.post(API, {}, content_type="application/json").status_code == 400


# --------------------------------------------------------------------------- rate limit


@pytest.mark.django_db
def test_new_crawls_are_limited_per_client_and_the_message_says_the_limit(
    client: Client, queued: list[dict], settings
) -> None:
    settings.DOOR_CRAWL_RATE = "3/10m"
    for i in range(3):
        assert post(client, f"2000000{i}").status_code == 202

    refused = post(client, "20000009")

    assert refused.status_code == 429
    body = refused.json()
    assert body["detail"].startswith(
        "요청이 너무 많습니다. 10분에 3번까지 새로 조회할 수 있습니다."
    )
    assert body["detail"].endswith(f"{body['retry_after']}초 후 다시 시도하세요.")
    assert 1 <= body["retry_after"] <= 600
    assert refused["Retry-After"] == str(body["retry_after"])
    assert DoorRequest.objects.count() == 3
    assert not DoorRequest.objects.filter(pcode="20000009").exists()
    # the page says the same, with 429
    page = client.post(DOOR, {"q": "20000008"})
    assert page.status_code == 429 and "10분에 3번까지" in page.content.decode()
    # another client is not affected; joining a running crawl and priced products never count
    assert post(Client(REMOTE_ADDR="10.9.9.9"), "20000008").status_code == 202
    assert post(client, "20000000").status_code == 202  # already crawling: joined
    priced = ProductFactory(pcode="20000007")
    record_prices([PriceRow(priced.pk, timezone.localdate(), 700_000, "")])
    assert post(client, "20000007").status_code == 200


@pytest.mark.django_db
def test_the_default_limit_is_10_crawls_in_10_minutes(client: Client, queued) -> None:
    for i in range(10):
        assert post(client, f"3000000{i}").status_code == 202
    refused = post(client, "30000010")
    assert refused.status_code == 429
    assert "10분에 10번까지 새로 조회할 수 있습니다" in refused.json()["detail"]


@pytest.mark.django_db
def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(
    client: Client, queued, settings
) -> None:
    settings.DOOR_CRAWL_RATE = "1/10m"
    assert post(client, "40000001", HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == 202
    # a made-up header does not give the same address a new allowance
    assert post(client, "40000002", HTTP_X_FORWARDED_FOR="10.1.1.2").status_code == 429
    settings.RATELIMIT_TRUST_X_FORWARDED_FOR = True
    assert post(client, "40000003", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.1.3").status_code == 202
    assert post(client, "40000004", HTTP_X_FORWARDED_FOR="7.7.7.7, 10.1.1.3").status_code == 429


# --------------------------------------------------------------------------- schema, admin, home


@pytest.mark.django_db
def test_staff_see_the_door_requests_in_the_admin(admin_client: Client) -> None:
    DoorRequest.objects.create(pcode=PCODE, status="failed", failure="not_found", message="없음")
    page = admin_client.get(reverse("admin:analyze_doorrequest_changelist"), {"q": PCODE})
    assert page.status_code == 200 and PCODE in page.content.decode()


def test_the_endpoints_are_in_the_openapi_schema(client: Client) -> None:
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    post_op = schema["paths"]["/api/v1/analyze/"]["post"]
    # its own answers, and the ones every operation shares (bad credentials, a non-JSON body)
    assert set(post_op["responses"]) == {"200", "202", "400", "401", "404", "415", "429", "502"}
    body = schema["components"]["schemas"]["DoorInput"]
    assert body["properties"]["url"]["maxLength"] == 500
    assert "/api/v1/analyze/status/{pcode}/" in schema["paths"]
    assert "AnalyzeResult" in schema["components"]["schemas"]


@pytest.mark.django_db
def test_the_home_page_leads_with_the_door_then_the_market(client: Client) -> None:
    html = client.get(reverse("home")).content.decode()
    door = html.index("궁금한 PC의 다나와 URL을 붙여넣으세요")
    assert "PC 지금 살까?" in html and "분석하기" in html
    assert f'action="{DOOR}" method="post"' in html
    assert door < html.index("market-dashboard")


@pytest.mark.django_db
def test_the_home_page_asks_no_more_queries_than_before(
    client: Client, django_assert_max_num_queries
) -> None:
    client.get(reverse("home"))  # warm the cached counts
    with django_assert_max_num_queries(2):
        client.get(reverse("home"))
