"""The configuration input is defined once: the HTML form and the API serializer have the same
fields, labels, help texts and limits, and accept and refuse the same input the same way."""

from __future__ import annotations

import pytest

from pricing.api.serializers import ConfigurationInputSerializer
from pricing.forms import ConfigurationForm

GOOD = {"cpu": "인텔 코어i5-12400F", "gpu": "RTX 3060", "ram_gb": 16}


def _describe(field: object) -> tuple:
    """What a form field and a serializer field have in common."""
    return (field.label, field.required, field.help_text or "",
            getattr(field, "min_value", None), getattr(field, "max_value", None),
            getattr(field, "max_length", None))  # fmt: skip


def test_the_form_and_the_api_have_the_same_fields_labels_help_and_limits() -> None:
    form = ConfigurationForm().fields
    api = ConfigurationInputSerializer().fields
    assert list(form) == list(api)
    for name in form:
        if name == "kind":  # a choice: required in neither, "desktop" when left out
            assert not form[name].required and not api[name].required
            assert api[name].default == form[name].initial == "desktop"
            continue
        assert _describe(form[name]) == _describe(api[name]), name


@pytest.mark.parametrize(
    "change",
    [{}, {"ram_gb": 0}, {"ram_gb": 2048}, {"ssd_gb": -1}, {"vram_gb": 0}, {"cpu": ""},
     {"listed_price": 999}, {"listed_price": 1_290_000}, {"kind": "laptop"}, {"kind": "sofa"},
     {"manufacturer": "삼성", "hdd_gb": 0}, {"cpu": "x" * 121}],
)  # fmt: skip
def test_the_form_and_the_api_accept_and_refuse_the_same_input(change: dict) -> None:
    data = {**GOOD, **change}
    form = ConfigurationForm({k: str(v) for k, v in data.items()}, kinds=["desktop"])
    api = ConfigurationInputSerializer(data=data, kinds=["desktop"])
    assert form.is_valid() == api.is_valid()
    assert set(form.errors) == set(api.errors)
    if form.is_valid():
        assert form.configuration() == api.configuration()
