"""Use-case scoring: the table as data, normalisation, integrated graphics, unmatched parts,
requirements as notes, inputs, freshness, one entry per configuration."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from recommend.entries import build_entries
from recommend.models import UseCase
from recommend.querysets import Query, counts, ranked, references
from recommend.tests.helpers import cpu, desktop, gpu, use

pytestmark = pytest.mark.django_db


def top(query: Query) -> list:
    return build_entries(ranked(query, references()), query.use, with_verdicts=False)


def test_the_default_use_case_table_is_data_with_the_issue_weights() -> None:
    table = {u.key: (u.label, u.cpu_weight, u.gpu_weight) for u in UseCase.objects.all()}
    assert table == {
        "office": ("사무·업무", 70, 30),
        "dev": ("개발", 60, 40),
        "gaming": ("게이밍", 40, 60),
        "design": ("디자인", 45, 55),
        "ai": ("AI·ML", 35, 65),
    }
    assert use("ai").min_vram_gb == 12 and use("ai").prefers_nvidia
    assert use("design").min_ram_gb == 32 and use("gaming").needs_discrete_gpu


def test_weights_that_do_not_add_up_to_100_are_refused() -> None:
    u = use("office")
    u.cpu_weight = 80
    with pytest.raises(ValidationError):
        u.full_clean()


def test_an_edited_weight_changes_the_score() -> None:
    desktop(cpu_bench=cpu(10_000), gpu_bench=gpu(10_000))
    desktop(cpu_bench=cpu(20_000), gpu_bench=gpu(5_000))
    UseCase.objects.filter(key="office").update(cpu_weight=100, gpu_weight=0)
    entries = top(Query(use=use("office")))
    assert entries[0].cpu_points == pytest.approx(100 * entries[0].cpu_norm)
    assert entries[0].gpu_points == 0


def test_scores_are_normalised_against_the_95th_percentile_of_matched_parts_capped_at_1() -> None:
    cpus = [cpu(1000 * (i + 1)) for i in range(21)]  # 1,000 .. 21,000: p95 = 20,000
    gpus = [gpu(500 * (i + 1)) for i in range(21)]  # 500 .. 10,500: p95 = 10,000
    for c, g in zip(cpus, gpus, strict=True):
        desktop(cpu_bench=c, gpu_bench=g)
    refs = references()
    assert refs.cpu == pytest.approx(20_000) and refs.gpu == pytest.approx(10_000)
    entries = top(Query(use=use("gaming")))
    best = next(e for e in entries if e.product.cpu_benchmark.score == 21_000)
    assert best.cpu_norm == 1.0 and best.gpu_norm == 1.0  # above the reference: capped
    assert best.score == pytest.approx(100) and entries[0].score == pytest.approx(100)
    mid = next(e for e in entries if e.product.cpu_benchmark.score == 15_000)
    assert mid.cpu_norm == pytest.approx(0.75) and mid.gpu_norm == pytest.approx(0.75)
    assert mid.cpu_points == pytest.approx(40 * 0.75) and mid.score == pytest.approx(75)


def test_integrated_graphics_use_the_integrated_gpu_score_and_say_so() -> None:
    igpu = gpu(1_500, name="Intel UHD Graphics 770", tdp=None)
    desktop(cpu_bench=cpu(20_000), gpu_bench=igpu, vram_gb=None)
    desktop(cpu_bench=cpu(20_000), gpu_bench=gpu(15_000))
    entries = top(Query(use=use("office")))
    integrated = next(e for e in entries if e.product.gpu_integrated)
    assert integrated.scored and integrated.gpu_norm > 0
    assert integrated.integrated_gpu_note == "내장 그래픽(Intel UHD Graphics 770)의 G3D Mark로 계산"
    assert integrated.as_dict()["breakdown"]["gpu"]["integrated"] is True


def test_an_unmatched_part_is_never_scored_0_but_shown_after_the_scored_ones_and_counted() -> None:
    desktop(cpu_bench=None, gpu_bench=gpu(20_000), price=500_000)
    desktop(cpu_bench=cpu(30_000), gpu_bench=None, price=600_000)
    desktop(cpu_bench=cpu(1_000), gpu_bench=gpu(500), price=900_000)  # weak but scored
    query = Query(use=use("gaming"), sort="value")
    entries = top(query)
    assert [e.scored for e in entries] == [True, False, False]
    assert entries[1].score is None and entries[1].status_label == "성능 정보 부족"
    assert entries[1].as_dict()["status"] == "insufficient"
    assert counts(query) == {"total": 3, "unscored": 2}
    rows = ranked(query, references())
    assert (rows[0].total, rows[0].unscored) == (3, 2)  # the same counts, carried by the ranking


def test_requirements_are_notes_and_products_missing_one_are_marked_not_dropped() -> None:
    c = cpu(20_000)
    small = desktop(cpu_bench=c, gpu_bench=gpu(30_000, name="GeForce RTX 4070"), vram_gb=8)
    big = desktop(cpu_bench=c, gpu_bench=gpu(25_000, name="Radeon RX 7900 XT"), vram_gb=20)
    entries = {e.product.pk: e for e in top(Query(use=use("ai")))}
    assert set(entries) == {small.pk, big.pk}
    texts = {pk: [(n.text, n.ok) for n in e.notes] for pk, e in entries.items()}
    assert ("VRAM 12GB 이상 필요: 이 PC는 8GB", False) in texts[small.pk]
    assert ("NVIDIA GPU (CUDA 지원)", True) in texts[small.pk]
    assert ("VRAM 12GB 이상 필요: 이 PC는 20GB", True) in texts[big.pk]
    assert ("NVIDIA GPU 권장 (CUDA를 쓰는 도구가 많음)", False) in texts[big.pk]
    assert not entries[small.pk].meets_requirements and entries[big.pk].meets_requirements
    only = top(Query(use=use("ai"), requirements_only=True))
    assert [e.product.pk for e in only] == [big.pk]


def test_design_wants_32gb_ram_and_gaming_a_discrete_gpu() -> None:
    igpu = gpu(1_500, name="Radeon Vega 8", tdp=None)
    p = desktop(cpu_bench=cpu(20_000), gpu_bench=igpu, ram_gb=16, vram_gb=None)
    design = top(Query(use=use("design")))[0]
    assert ("RAM 32GB 이상 필요: 이 PC는 16GB", False) in [(n.text, n.ok) for n in design.notes]
    gaming = top(Query(use=use("gaming")))[0]
    assert gaming.product.pk == p.pk
    assert ("외장 그래픽 필요: 이 PC는 내장 그래픽", False) in [
        (n.text, n.ok) for n in gaming.notes
    ]


def test_office_values_a_low_price_and_low_power() -> None:
    igpu = gpu(1_500, name="Intel UHD Graphics 730", tdp=None)
    desktop(cpu_bench=cpu(12_000, tdp=65), gpu_bench=igpu, price=600_000, vram_gb=None)
    desktop(cpu_bench=cpu(40_000, tdp=125), gpu_bench=gpu(30_000, tdp=200), price=2_500_000)
    notes = {
        e.product.current_price: [(n.text, n.ok) for n in e.notes]
        for e in top(Query(use=use("office")))
    }
    assert ("낮은 가격(100만 원 이하)", True) in notes[600_000]
    assert ("저전력 (CPU·GPU TDP 합 65W, 기준 100W)", True) in notes[600_000]
    assert ("낮은 가격(100만 원 이하): 넘음", False) in notes[2_500_000]
    assert ("전력 소비 큼 (CPU·GPU TDP 합 325W, 기준 100W)", False) in notes[2_500_000]


def test_only_products_with_a_price_in_the_last_14_days_are_recommended() -> None:
    c, g = cpu(20_000), gpu(20_000)
    fresh = desktop(cpu_bench=c, gpu_bench=g, days_ago=13)
    desktop(cpu_bench=cpu(40_000), gpu_bench=g, days_ago=14)
    assert [e.product.pk for e in top(Query(use=use("dev")))] == [fresh.pk]


def test_one_configuration_from_several_sellers_is_one_entry_at_its_lowest_price() -> None:
    c, g = cpu(20_000), gpu(20_000)
    for price in (1_200_000, 1_100_000, 1_300_000):
        desktop(cpu_bench=c, gpu_bench=g, price=price, ram_gb=16, ssd_gb=512)
    other = desktop(cpu_bench=c, gpu_bench=g, price=1_400_000, ram_gb=32, ssd_gb=512)
    entries = top(Query(use=use("gaming")))
    assert len(entries) == 2
    first = entries[0]
    assert first.product.current_price == 1_100_000 and first.sellers == 3
    assert first.sellers_label == "3개 판매처 중 최저가"
    assert entries[1].product.pk == other.pk and entries[1].sellers_label == ""


def test_the_inputs_filter_by_budget_brand_form_factor_and_must_haves() -> None:
    c, g = cpu(20_000), gpu(20_000)
    base = desktop(cpu_bench=c, gpu_bench=g, price=1_000_000, ram_gb=32, ssd_gb=1000)
    desktop(cpu_bench=c, gpu_bench=g, price=3_000_000, ram_gb=32, ssd_gb=1000, name="비쌈")
    desktop(cpu_bench=c, gpu_bench=g, price=1_000_000, ram_gb=8, ssd_gb=1000)
    desktop(cpu_bench=c, gpu_bench=g, price=1_000_000, ram_gb=32, ssd_gb=256)
    desktop(cpu_bench=c, gpu_bench=g, price=1_000_000, ram_gb=32, ssd_gb=2000, os="미포함")
    desktop(cpu_bench=c, gpu_bench=g, price=1_000_000, ram_gb=64, ssd_gb=1000, form_factor="슬림")
    query = Query(
        use=use("dev"), budget_min=500_000, budget_max=2_000_000, ram_min=32, ssd_min=1000,
        os_included=True, form_factor="미들타워", manufacturer_id=base.manufacturer_id,
    )  # fmt: skip
    assert [e.product.pk for e in top(query)] == [base.pk]


def test_value_sorts_by_score_per_10000_won() -> None:
    fast = desktop(cpu_bench=cpu(40_000), gpu_bench=gpu(30_000), price=3_000_000)
    cheap = desktop(cpu_bench=cpu(20_000), gpu_bench=gpu(15_000), price=700_000)
    by_score = top(Query(use=use("gaming")))
    by_value = top(Query(use=use("gaming"), sort="value"))
    assert [e.product.pk for e in by_score] == [fast.pk, cheap.pk]
    assert [e.product.pk for e in by_value] == [cheap.pk, fast.pk]
    assert by_value[0].value == pytest.approx(by_value[0].score * 10_000 / 700_000)


def test_ranking_is_a_fixed_number_of_queries(django_assert_num_queries: object) -> None:
    for i in range(15):
        desktop(cpu_bench=cpu(10_000 + i * 1000), gpu_bench=gpu(8_000 + i * 500))
    refs = references()
    query = Query(use=use("gaming"))
    with django_assert_num_queries(3):  # ranking, the ten rows with related, stored deals
        build_entries(ranked(query, refs), query.use, with_verdicts=False)


def test_staff_edit_the_use_case_table_in_admin(admin_client: object) -> None:
    u = use("gaming")
    page = admin_client.get(f"/admin/recommend/usecase/{u.pk}/change/")
    assert page.status_code == 200 and "GPU 가중치" in page.content.decode()
    data = {f: getattr(u, f) for f in ("label", "order", "cpu_weight", "gpu_weight", "description",
            "min_vram_gb", "min_ram_gb", "low_price_under", "low_power_under_w")}  # fmt: skip
    data |= {"cpu_weight": 30, "gpu_weight": 70, "needs_discrete_gpu": "on"}
    assert admin_client.post(f"/admin/recommend/usecase/{u.pk}/change/", data).status_code == 302
    u.refresh_from_db()
    assert (u.cpu_weight, u.gpu_weight) == (30, 70)
    data |= {"cpu_weight": 50}
    page = admin_client.post(f"/admin/recommend/usecase/{u.pk}/change/", data)
    assert page.status_code == 200 and "합은 100" in page.content.decode()
