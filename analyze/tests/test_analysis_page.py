"""The analysis page /analyze/<pcode>/ and its JSON: the seven blocks in the issue's order, each
saying plainly when it has nothing to show; the shops' offers as plain outbound links; a pcode
the catalog lacks offers the door; the page's expensive part is cached and its queries few."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import numpy as np
import pytest
from django.test import Client

from analyze.analysis import build_analysis
from catalog.models import CategoryKind, DailyLowestPrice, Product
from catalog.services import OfferData, merge_products, replace_offers
from catalog.tests.factories import CategoryFactory, ProductFactory
from recommend.tests.helpers import cpu, desktop, gpu

from .conftest import price_days

pytestmark = pytest.mark.django_db

BLOCK_HEADINGS = [
    'id="verdict"',
    "<h2>가격 흐름과 10일 예측</h2>",
    "<h2>AI 적정가</h2>",
    "<h2>같은 성능, 더 낮은 가격</h2>",
    "<h2>어디서 살까",
    "<h2>이 PC는 어떤 용도에 맞나</h2>",
    "<h2>비슷하게 생긴 상품</h2>",
    "<h2>시장과 비교",
]
DOOR = "이 상품을 조회하려면 홈에서 링크를 붙여넣으세요"
REL = 'rel="noopener noreferrer nofollow"'


def page(client: Client, pcode: str, query: str = "") -> str:
    response = client.get(f"/analyze/{pcode}/{query}")
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def index_pictures(products: list[Product]) -> None:
    """Indexed vectors (of the serving embedder) for these products' pictures, near each other."""
    from similarity.models import EmbeddingStatus, ImageEmbedding
    from similarity.services import active_embedder

    key = active_embedder().key
    rng = np.random.default_rng(0)
    base = rng.normal(size=512)
    for i, product in enumerate(products):
        v = base + 0.05 * (i + 1) * rng.normal(size=512)
        ImageEmbedding.objects.update_or_create(
            sha256=product.image_sha256,
            embedder=key,
            defaults={
                "vector": (v / np.linalg.norm(v)).tolist(),
                "status": EmbeddingStatus.INDEXED,
            },
        )


# --------------------------------------------------------------------------- with data


def test_every_block_shows_its_data_in_the_issues_order(
    client: Client, demo: list[Product], demo_model: object
) -> None:
    from trends.forecaster import product_trend

    product = next(p for p in demo if product_trend(p).ok and p.image_sha256)
    others = [p for p in demo if p.image_sha256 and p.image_sha256 != product.image_sha256][:3]
    index_pictures([product, *others])
    replace_offers(
        product,
        [
            OfferData(
                "쿠팡",
                product.current_price + 9_000,
                0,
                "무료배송",
                url="https://www.coupang.com/vp/1",
            ),
            OfferData(
                "11번가",
                product.current_price,
                2_500,
                card_price=product.current_price - 40_000,
                card_label="신한카드 4% 할인",
                url="https://www.11st.co.kr/products/1",
            ),
        ],
    )

    html = page(client, product.pcode)

    positions = [html.index(h) for h in BLOCK_HEADINGS]
    assert positions == sorted(positions)
    data = build_analysis(product)
    # 1. the verdict line: the verdict, the fair price and the deal
    assert data["verdict"]["label"] in {"지금 사세요", "기다리세요", "보통"}
    assert f'<strong class="verdict-label">{data["verdict"]["label"]}</strong>' in html
    fair = data["fair_price"]
    assert fair["status"] == "ok"
    assert f"적정가 <strong>{fair['fair_price']:,}원</strong>" in html
    assert fair["deal_line"] in html
    # 2. the chart, and the lowest of 30 and 90 days from the daily lowest prices
    assert "<svg" in html and "10일 예측" in html
    points = DailyLowestPrice.objects.for_product(product.pk).points()
    last = points[-1][0]
    low30 = min(p for d, p in points if (last - d).days < 30)
    low90 = min(p for d, p in points if (last - d).days < 90)
    assert f"최근 30일 최저 <strong>{low30:,}원</strong>" in html
    assert f"최근 90일 최저 <strong>{low90:,}원</strong>" in html
    assert len(data["history"]["forecast"]) == 11  # today and the 10 forecast days
    # 3. interval, explanation in won, members in a collapsible
    assert f"{fair['low']:,}원 ~ {fair['high']:,}원" in html
    assert fair["explanation"] and all(isinstance(i["won"], int) for i in fair["explanation"])
    assert '<details class="fair-members">' in html
    # 5. the offers, cheapest first, with the card price
    offers = html[html.index("어디서 살까") : html.index("이 PC는 어떤 용도에 맞나")]
    assert offers.index("11번가") < offers.index("쿠팡")
    assert f"{product.current_price - 40_000:,}원" in offers and "배송비 2,500원" in offers
    # 6. look-alikes and use-case fit
    assert data["lookalikes"]["status"] == "ok"
    shown = Product.objects.filter(pk__in=[i["id"] for i in data["lookalikes"]["items"]])
    assert {p.image_sha256 for p in shown} <= {p.image_sha256 for p in others}
    assert data["lookalikes"]["items"][0]["name"] in html
    assert data["use_cases"]["status"] == "ok" and len(data["use_cases"]["rows"]) == 5
    # 7. the market comparison
    market = data["market"]
    assert market["status"] == "ok"
    assert market["change_text"] in html and market["band"]["label"] in html


def test_same_performance_lower_price_lists_up_to_five_cheaper_desktops_that_score_as_well(
    client: Client,
) -> None:
    own = desktop(cpu_bench=cpu(20_000), gpu_bench=gpu(12_000), price=1_500_000)
    better = [
        desktop(cpu_bench=cpu(21_000 + i), gpu_bench=gpu(13_000), price=1_000_000 + 50_000 * i)
        for i in range(6)
    ]
    twin = desktop(cpu_bench=own.cpu_benchmark, gpu_bench=own.gpu_benchmark, price=1_450_000)
    desktop(cpu_bench=cpu(9_000), gpu_bench=gpu(4_000), price=700_000)  # cheaper, weaker
    desktop(cpu_bench=cpu(30_000), gpu_bench=gpu(20_000), price=1_900_000)  # stronger, dearer
    desktop(cpu_bench=cpu(30_000), gpu_bench=gpu(20_000), price=900_000, days_ago=30)  # stale
    all_in_one = CategoryFactory(code="112766", name="일체형PC", kind=CategoryKind.DESKTOP)
    desktop(cpu_bench=cpu(30_000), gpu_bench=gpu(20_000), price=800_000, category=all_in_one)

    data = build_analysis(own)

    cheaper = data["cheaper"]
    assert cheaper["status"] == "ok"
    best = max(data["use_cases"]["rows"], key=lambda r: r["score"])
    assert cheaper["use"]["key"] == best["key"]
    assert [i["id"] for i in cheaper["items"]] == [p.pk for p in better[:5]]
    assert twin.pk not in [i["id"] for i in cheaper["items"]]  # six cheaper ones come first
    for item in cheaper["items"]:
        assert item["saving"] == 1_500_000 - item["price"] > 0
        assert item["score"] >= cheaper["score"]
    html = page(client, own.pcode)
    assert f"{500_000:,}원 절약" in html
    assert f'href="/analyze/{better[0].pcode}/"' in html


def test_a_product_whose_twin_is_the_only_cheaper_one_lists_the_twin(client: Client) -> None:
    own = desktop(cpu_bench=cpu(20_000), gpu_bench=gpu(12_000), price=1_500_000)
    twin = desktop(cpu_bench=own.cpu_benchmark, gpu_bench=own.gpu_benchmark, price=1_450_000)

    items = build_analysis(own)["cheaper"]["items"]

    assert [(i["id"], i["saving"]) for i in items] == [(twin.pk, 50_000)]


# --------------------------------------------------------------------------- nothing to show


def test_a_bare_product_says_in_every_block_why_it_has_nothing_to_show(client: Client) -> None:
    product = ProductFactory(name="가격 없는 데스크톱")

    html = page(client, product.pcode)
    data = build_analysis(product)

    assert data["verdict"]["message"] == "가격 기록이 없어 예측할 수 없습니다."
    assert "판정 없음" in html and "가격 기록이 없어 예측할 수 없습니다." in html
    assert data["history"]["status"] == "no_history"
    assert "가격 기록이 아직 없어 그래프를 그리지 않습니다." in html
    assert data["fair_price"]["status"] == "no_model"
    assert "아직 학습된 적정가 모델이 없습니다" in html
    assert data["cheaper"]["status"] == "unscored" and "성능 정보 부족" in html
    assert data["offers"]["status"] == "none"
    assert "다나와 상품 페이지에서 가져온 판매처 목록이 없습니다" in html
    assert data["lookalikes"]["status"] == "no_image"
    assert "상품 사진이 없어 비슷하게 생긴 상품을 찾지 않습니다." in html
    assert data["market"]["status"] == "not_counted"
    assert "시장 동향에 들어가지 않습니다" in html
    for block in ("verdict", "history", "fair_price", "cheaper", "offers", "lookalikes", "market"):
        assert data[block]["message"], block


def test_a_short_history_says_there_is_no_forecast_but_still_draws_the_prices(
    client: Client,
) -> None:
    product = desktop(cpu_bench=cpu(20_000), gpu_bench=gpu(12_000), price=1_000_000)
    price_days(product, [1_000_000, 990_000, 980_000])

    data = build_analysis(product)
    html = page(client, product.pcode)

    assert data["verdict"]["status"] == "insufficient"
    assert data["history"]["status"] == "ok" and data["history"]["forecast"] == []
    assert data["history"]["lowest_30"]["price"] == 980_000
    assert "10일 예측 구간 없음" in html and data["verdict"]["message"] in html
    assert "<svg" in html


def test_a_part_is_not_scored_for_use_cases_and_says_so(client: Client) -> None:
    cpus = CategoryFactory(code="112747", name="CPU", kind=CategoryKind.CPU)
    product = ProductFactory(category=cpus, name="인텔 코어i5-12세대 12400F")
    price_days(product, [160_000] * 3)

    data = build_analysis(product)

    assert data["use_cases"]["status"] == "not_desktop"
    assert data["cheaper"]["status"] == "not_desktop"
    assert "용도별 점수는 데스크톱(브랜드PC·일체형PC)에만 매깁니다." in page(client, product.pcode)


def test_a_product_outside_the_pc_market_says_so(client: Client) -> None:
    sofas = CategoryFactory(code="sofa", name="소파", kind=CategoryKind.OTHER)
    product = ProductFactory(category=sofas, name="3인용 소파")
    price_days(product, [300_000] * 12)

    data = build_analysis(product)
    html = page(client, product.pcode)

    assert data["verdict"]["status"] == "not_pc"
    assert data["market"]["status"] == "not_pc"
    assert "PC와 PC 부품이 아닌 상품은 시장 동향에 넣지 않습니다." in html
    assert data["verdict"]["message"] in html


def test_no_cheaper_desktop_that_scores_as_well_is_said_plainly(client: Client) -> None:
    own = desktop(cpu_bench=cpu(30_000), gpu_bench=gpu(20_000), price=1_000_000)
    desktop(cpu_bench=cpu(10_000), gpu_bench=gpu(5_000), price=600_000)

    data = build_analysis(own)

    assert data["cheaper"]["status"] == "none" and data["cheaper"]["items"] == []
    assert "더 싼 상품이 없습니다" in data["cheaper"]["message"]
    assert data["cheaper"]["message"] in page(client, own.pcode)


# --------------------------------------------------------------------------- links and flags


def test_the_only_links_to_other_hosts_are_the_offers_and_danawa_as_plain_links(
    client: Client,
) -> None:
    product = desktop(
        cpu_bench=cpu(20_000), gpu_bench=gpu(12_000), price=1_000_000, pcode="20157388"
    )
    replace_offers(
        product,
        [
            OfferData("G마켓", 1_010_000, url="https://item.gmarket.co.kr/Item?goodscode=1"),
            OfferData("컴퓨존", 1_020_000),  # no link
        ],
    )

    html = page(client, product.pcode)

    outbound = [
        m for m in re.finditer(r"<a\b[^>]*\bhref=\"([^\"]+)\"[^>]*>", html) if urlsplit(m[1]).netloc
    ]
    hrefs = sorted(m[1] for m in outbound)
    assert hrefs == [
        "https://item.gmarket.co.kr/Item?goodscode=1",
        "https://prod.danawa.com/info/?pcode=20157388",
    ]
    for tag in outbound:
        assert REL in tag[0] and "target=" not in tag[0]
    assert "utm_" not in html
    assert "<script src=" not in html


def test_stale_flag_says_the_latest_price_check_failed_at_the_top(client: Client) -> None:
    product = ProductFactory()

    stale = page(client, product.pcode, "?stale=1")
    fresh = page(client, product.pcode)

    assert "최신 가격 확인 실패" in stale
    assert stale.index("최신 가격 확인 실패") < stale.index('id="verdict"')
    assert "최신 가격 확인 실패" not in fresh


def test_a_pcode_not_in_the_catalog_offers_the_door(client: Client) -> None:
    response = client.get("/analyze/99999999/")

    assert response.status_code == 404
    html = response.content.decode()
    assert DOOR in html and 'href="/"' in html
    api = client.get("/api/v1/analyze/99999999/")
    assert api.status_code == 404
    assert "카탈로그에 없는 상품 코드입니다" in api.json()["detail"]


def test_a_merged_product_sends_to_the_one_it_was_merged_into(client: Client) -> None:
    keep = ProductFactory()
    gone = ProductFactory()
    merge_products(keep, [gone])

    response = client.get(f"/analyze/{gone.pcode}/")

    assert response.status_code == 302 and response["Location"] == f"/analyze/{keep.pcode}/"


# --------------------------------------------------------------------------- the API


def test_the_api_answers_anyone_with_the_same_analysis_as_json(client: Client) -> None:
    product = desktop(cpu_bench=cpu(20_000), gpu_bench=gpu(12_000), price=1_000_000)
    price_days(product, [1_020_000, 1_000_000])

    response = client.get(f"/api/v1/analyze/{product.pcode}/")

    assert response.status_code == 200
    body = response.json()
    expected = json.loads(json.dumps(build_analysis(product)))
    assert set(body) == set(expected) == {
        "product", "verdict", "history", "fair_price", "parts_sum", "cheaper", "offers",
        "lookalikes", "use_cases", "market",
    }  # fmt: skip
    for block in expected:
        assert body[block] == expected[block], block


def test_the_api_is_in_the_openapi_schema(client: Client) -> None:
    schema = client.get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/v1/analyze/{pcode}/"]["get"]
    assert set(operation["responses"]) >= {"200", "404"}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"verdict", "history", "fair_price", "parts_sum", "cheaper", "offers", "market"} <= set(
        component["properties"]
    )
    root = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert root["analyze"]["analysis"].endswith("/api/v1/analyze/{pcode}/")


# --------------------------------------------------------------------------- speed


def test_the_page_is_cached_per_product_and_a_cached_page_needs_few_queries(
    client: Client, django_assert_max_num_queries: object
) -> None:
    product = desktop(cpu_bench=cpu(20_000), gpu_bench=gpu(12_000), price=1_000_000)
    price_days(product, [1_050_000] * 12 + [1_000_000])
    replace_offers(product, [OfferData("11번가", 1_000_000)])

    with django_assert_max_num_queries(45):
        page(client, product.pcode)
    # cached: the product, the newest price day (the cache key) and the offers
    with django_assert_max_num_queries(4):
        html = page(client, product.pcode)
    with django_assert_max_num_queries(4):
        assert client.get(f"/api/v1/analyze/{product.pcode}/").status_code == 200
    assert "11번가" in html

    # a new price is a new key: the page shows it at once
    price_days(product, [950_000])
    assert "950,000원" in page(client, product.pcode)


@pytest.mark.django_db
def test_the_product_page_links_to_its_analysis(client) -> None:
    from catalog.tests.factories import ProductFactory

    product = ProductFactory(pcode="20157388")
    html = client.get(product.get_absolute_url()).content.decode()
    assert 'href="/analyze/20157388/"' in html
