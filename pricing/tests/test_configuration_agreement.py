"""A configuration typed into the form is priced like the catalog's products with that
configuration, and one outside what the model has seen is refused with the reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pricing.models import PricePrediction

pytestmark = [pytest.mark.django_db]

ESTIMATE = "pricing-api:configuration-estimate"


def typed_by_a_user(product: object) -> dict[str, object]:
    """What a buyer reads off a listing and types: CPU and graphics card names (Korean, as
    Danawa writes them), RAM, storage and brand; no VRAM, OS or case, no card for integrated."""
    integrated = product.gpu_model.startswith("Intel UHD")
    typed = {
        "cpu": product.cpu_model.replace("Intel Core ", "인텔 코어"),
        "gpu": "" if integrated else product.gpu_model.replace("GeForce ", "지포스 "),
        "ram_gb": product.ram_gb,
        "ssd_gb": product.ssd_gb,
        "manufacturer": product.manufacturer.name,
    }
    if product.hdd_gb:
        typed["hdd_gb"] = product.hdd_gb
    return typed


def test_catalog_desktops_typed_into_the_form_land_inside_their_own_fair_price_interval(
    client, demo_like_model, demo_like_catalog
) -> None:
    products = demo_like_catalog[::4]  # 40 desktops, every kind of build
    inside = []
    for product in products:
        own = PricePrediction.objects.get(product=product, model=demo_like_model)
        response = client.post(reverse(ESTIMATE), typed_by_a_user(product),
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 200, response.content
        inside.append(own.low <= response.json()["fair_price"] <= own.high)
    assert sum(inside) >= 0.8 * len(products), f"{sum(inside)}/{len(products)} inside"


def test_the_form_fills_the_graphics_memory_of_the_card_from_the_catalog(
    client, demo_like_model
) -> None:
    typed = {"cpu": "인텔 코어i7-12700", "gpu": "지포스 RTX 3060", "ram_gb": 16, "ssd_gb": 512}
    html = client.get(reverse("pricing:configuration"), typed).content.decode()
    assert "추정 결과" in html
    assert "카탈로그에서 채운 값" in html
    assert "그래픽 메모리 <strong>12GB</strong>" in html
    blank_gpu = client.get(reverse("pricing:configuration"), {**typed, "gpu": ""})
    assert "Intel UHD 730 (내장)" in blank_gpu.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"ram_gb": 1024}, "ram_gb", "RAM 1,024GB은(는) 모델이 학습한 범위(8~32GB) 밖"),
        ({"ssd_gb": 100_000}, "ssd_gb", "SSD 100,000GB은(는) 모델이 학습한 범위"),
        ({"hdd_gb": 100_000}, "hdd_gb", "모델이 학습한 상품에는 HDD이(가) 없어"),
        ({"gpu": "지포스 RTX 4090"}, "gpu", "GPU 성능(PassMark) 38,600점은(는) 모델이 학습한 범위"),
        ({"kind": "laptop"}, "kind", "노트북: 이 종류는 적정가를 추정하지 않습니다"),
    ],
)  # fmt: skip
def test_a_configuration_outside_what_the_model_has_seen_is_refused_with_the_reason(
    client, demo_like_model, change, field, reason
) -> None:
    typed = {"cpu": "인텔 코어i7-12700", "gpu": "지포스 RTX 3060", "ram_gb": 16, "ssd_gb": 512,
             **change}  # fmt: skip
    api = client.post(reverse(ESTIMATE), typed, content_type="application/json")
    assert api.status_code == 400
    assert reason in " ".join(api.json()[field])
    page = client.get(reverse("pricing:configuration"), typed)
    assert page.status_code == 400
    assert reason in page.content.decode().replace("&#x27;", "'")


def test_a_size_just_past_the_largest_in_the_catalog_is_the_same_kind_of_part(
    client, demo_like_model
) -> None:
    typed = {"cpu": "인텔 코어i7-12700", "gpu": "지포스 RTX 3060", "ram_gb": 16, "ssd_gb": 1024}
    response = client.post(reverse(ESTIMATE), typed, content_type="application/json")
    assert response.status_code == 200, response.content  # the catalog's largest SSD: 1,000GB
