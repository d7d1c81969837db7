"""A desktop whose part is newer than the PassMark tables is scored with the part's estimated
score (issue 13), and the recommendation page, the API and the compare table say "추정"."""

from __future__ import annotations

import pytest

from recommend.tests.helpers import cpu, desktop, gpu

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog() -> dict[str, object]:
    c = cpu(20_000, name="Intel Core i5-12400F")
    g = gpu(9_000, name="GeForce GTX 1650")
    fast = gpu(40_000, name="GeForce RTX 3090 Ti")
    return {
        "fast": desktop(cpu_bench=c, gpu_bench=fast, price=2_000_000, name="빠른 PC"),
        "known": desktop(cpu_bench=c, gpu_bench=g, price=900_000, name="알려진 PC"),
        "estimated": desktop(
            cpu_bench=c, gpu_bench=None, gpu_model="GeForce RTX 4070", price=1_500_000,
            name="추정 PC", gpu_score_estimated=27_000, gpu_score_note="RTX 3070에서 추정",
        ),
        "unknown": desktop(cpu_bench=c, gpu_bench=None, price=800_000, name="모르는 PC"),
    }  # fmt: skip


def test_an_estimated_score_is_scored_and_marked_on_the_page(client, catalog) -> None:
    html = client.get("/recommend/?use=gaming&budget_max=2500000").content.decode()
    assert (
        html.index("빠른 PC")
        < html.index("추정 PC")
        < html.index("알려진 PC")
        < html.index("모르는 PC")
    )
    assert "G3D Mark 27,000" in html and "추정</span>" in html
    assert "RTX 3070에서 추정" in html  # the tooltip says how


def test_the_api_says_the_score_is_estimated(client, catalog) -> None:
    body = client.get("/api/v1/recommend/?use=gaming&budget_max=2500000").json()
    entry = next(e for e in body["results"] if e["name"] == "추정 PC")
    gpu_part = entry["breakdown"]["gpu"]
    assert entry["status"] == "scored"
    assert (gpu_part["g3d_mark"], gpu_part["g3d_mark_estimated"]) == (27_000, True)
    assert gpu_part["estimate_note"] and "추정" in gpu_part["note"]
    known = next(e for e in body["results"] if e["name"] == "알려진 PC")
    assert known["breakdown"]["gpu"]["g3d_mark_estimated"] is False


def test_the_compare_table_marks_the_estimate(client, catalog) -> None:
    ids = f"{catalog['known'].pk},{catalog['estimated'].pk}"
    html = client.get(f"/recommend/compare/?ids={ids}").content.decode()
    assert "27,000 (추정)" in html


def test_the_product_page_scores_the_desktop_and_says_which_score_is_estimated(
    client, catalog
) -> None:
    html = client.get(catalog["estimated"].get_absolute_url()).content.decode()
    assert "recommend-unscored" not in html and "recommend-uses" in html
    assert "GPU(GeForce RTX 4070) 점수는 PassMark 표에 없어" in html
    assert "27,000" in html and "RTX 3070에서 추정" in html  # the benchmark table and its note
