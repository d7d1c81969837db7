"""Compare up to four products side by side at a shareable address."""

from __future__ import annotations

import pytest

from recommend.tests.helpers import cpu, desktop, gpu

pytestmark = pytest.mark.django_db


@pytest.fixture
def pcs() -> list[object]:
    return [
        desktop(cpu_bench=cpu(40_000, name="Intel Core i7-14700F"), gpu_bench=gpu(30_000, name="GeForce RTX 4070 Ti"),
                price=2_000_000, name="빠른 PC", ram_gb=32),
        desktop(cpu_bench=cpu(12_000, name="Intel Core i3-13100"), gpu_bench=gpu(9_000, name="GeForce GTX 1650"),
                price=700_000, name="싼 PC", ram_gb=32),
        desktop(cpu_bench=None, gpu_bench=gpu(9_500, name="GeForce GTX 1660"), price=800_000, name="모르는 PC"),
    ]  # fmt: skip


def _row(html: str, label: str) -> str:
    start = html.index(f"<th>{label}")
    return html[start : html.index("</tr>", start)]


def test_the_address_names_the_products_and_the_table_marks_differences_and_the_best(
    client, pcs
) -> None:
    ids = ",".join(str(p.pk) for p in pcs)
    html = client.get(f"/recommend/compare/?ids={ids}").content.decode()
    assert html.index("빠른 PC") < html.index("싼 PC") < html.index("모르는 PC")
    assert f"/recommend/compare/?ids={ids}" in html  # the shareable address
    price = _row(html, "가격 <span")
    assert "<strong>700,000원</strong>" in price and "다름" in price
    gaming = _row(html, "게이밍 점수")
    assert "<strong>" in gaming and "성능 정보 부족" in gaming
    ram = _row(html, "RAM")  # 32 GB, 32 GB, 16 GB
    assert "다름" in ram and ram.count("<strong>32GB</strong>") == 2
    assert "다름" not in _row(html, "SSD")
    assert "다름" not in _row(html, "운영체제")  # all Windows 11 Home
    assert "CPU Mark" in html and "G3D Mark" in html and "살까 말까" in html and "AI 적정가" in html


def test_more_than_four_or_bad_ids_are_a_clear_message_not_a_500(client, pcs) -> None:
    response = client.get("/recommend/compare/?ids=1,2,3,4,5")
    assert response.status_code == 400 and "4개까지 비교할 수 있습니다" in response.content.decode()
    response = client.get("/recommend/compare/?ids=abc")
    assert response.status_code == 400 and "양의 정수" in response.content.decode()
    html = client.get(f"/recommend/compare/?ids={pcs[0].pk},999999").content.decode()
    assert "없는 상품 번호: 999999" in html and "빠른 PC" in html


def test_products_are_added_from_the_results_and_the_product_page(client, pcs) -> None:
    results = client.get("/recommend/?use=gaming").content.decode()
    assert (
        'action="/recommend/compare/"' in results and f'name="ids" value="{pcs[0].pk}"' in results
    )
    page = client.get(pcs[0].get_absolute_url()).content.decode()
    assert f'href="/recommend/compare/?ids={pcs[0].pk}"' in page
    html = client.get(f"/recommend/compare/?ids={pcs[0].pk}&ids={pcs[1].pk}").content.decode()
    assert "빠른 PC" in html and "싼 PC" in html


def test_the_empty_compare_page_says_how_to_pick(client) -> None:
    assert "비교할 상품을 골라 주세요" in client.get("/recommend/compare/").content.decode()
