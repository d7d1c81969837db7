"""Typed-in configurations ("what should this build cost"): parse and match what the user typed,
fill what they left out from what the catalog knows about those parts, and refuse what the model
has not seen, with a Korean reason per field.

The HTML form and the API serializer both end here (``pricing.services.estimate_configuration``),
so they share every rule. The record that comes out is built like a catalog product's record
(``pricing.ml.features.record_from_product``): the same fields, filled the way the catalog fills
them, so that a catalog desktop typed into the form is priced like the desktop itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from catalog.querysets import part_score
from catalog.specs import is_integrated_gpu
from pricing.ml.domain import outside_domain
from pricing.ml.features import SpecRecord

# Kinds a configuration can be typed for (a CPU or a RAM stick has no "configuration").
CONFIGURATION_KINDS: dict[str, str] = {"desktop": "데스크톱", "laptop": "노트북"}
NOT_ESTIMATED = "이 종류는 적정가를 추정하지 않습니다"
# Record fields whose domain errors belong to which form field.
DOMAIN_FORM_FIELDS = {"cpu_score": "cpu", "gpu_score": "gpu"}


class ConfigurationError(ValueError):
    """A typed-in configuration cannot be estimated; ``errors`` maps fields to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Configuration:
    """What a user typed (empty = "I don't know": filled from the catalog where it can be)."""

    cpu: str
    gpu: str = ""
    ram_gb: int | None = None
    ssd_gb: int | None = None
    hdd_gb: int | None = None
    vram_gb: int | None = None
    manufacturer: str = ""
    kind: str = "desktop"
    listed_price: int | None = None


@dataclass
class Filled:
    """One value the user left out and the catalog supplied, and where it came from."""

    field: str
    label: str
    value: str
    source: str


@dataclass
class TypedRecord:
    record: SpecRecord
    filled: list[Filled] = field(default_factory=list)


# --------------------------------------------------------------------------- the input


@dataclass(frozen=True)
class InputField:
    """One field of the configuration input, defined once: ``pricing.forms`` builds the HTML
    form's field and ``pricing.api.serializers`` the API's from it (same names, labels, help
    texts, limits and defaults)."""

    name: str
    label: str
    type: type  # int or str
    required: bool = False
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    help_text: str = ""
    default: str | None = None  # of a choice field
    choices: bool = False  # the kinds of CONFIGURATION_KINDS (see kind_problem)


CONFIGURATION_INPUT: tuple[InputField, ...] = (
    InputField("cpu", "CPU", str, required=True, max_length=120,
               help_text="예: 인텔 코어i5-12400F, Ryzen 5 5600X"),
    InputField("gpu", "그래픽카드", str, max_length=120, help_text="비우면 내장 그래픽"),
    InputField("ram_gb", "RAM (GB)", int, required=True, min_value=1, max_value=1024),
    InputField("ssd_gb", "SSD (GB)", int, min_value=0, max_value=100_000,
               help_text="비우면 카탈로그에서 같은 구성의 흔한 값"),
    InputField("hdd_gb", "HDD (GB)", int, min_value=0, max_value=100_000, help_text="비우면 없음"),
    InputField("vram_gb", "그래픽 메모리 (GB)", int, min_value=1, max_value=256,
               help_text="비우면 카탈로그에서 그 그래픽카드의 가장 흔한 값"),
    InputField("manufacturer", "제조사", str, max_length=100,
               help_text="비우면 카탈로그에서 같은 구성의 흔한 제조사"),
    InputField("kind", "종류", str, default="desktop", choices=True),
    InputField("listed_price", "판매가 (선택)", int, min_value=1_000, max_value=100_000_000,
               help_text="입력하면 적정가와 비교합니다"),
)  # fmt: skip


def configuration_from(data: dict[str, object]) -> Configuration:
    """The Configuration of validated input (the form's cleaned_data or the serializer's
    validated_data): empty texts and missing numbers are "not given"."""
    return Configuration(
        cpu=str(data["cpu"]),
        gpu=str(data.get("gpu") or ""),
        ram_gb=data["ram_gb"],
        ssd_gb=data.get("ssd_gb"),
        hdd_gb=data.get("hdd_gb") or None,
        vram_gb=data.get("vram_gb"),
        manufacturer=str(data.get("manufacturer") or ""),
        kind=str(data.get("kind") or "desktop"),
        listed_price=data.get("listed_price"),
    )


def kind_problem(kind: str, kinds: Iterable[str] | None = None) -> str | None:
    """Why ``kind`` is refused for a model trained on ``kinds`` (None: no model yet), or None."""
    if kind in dict(kind_choices(kinds)):
        return None
    return kind_error(kind, kinds)


def kind_choices(kinds: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(value, label) of the configuration kinds a model with ``kinds`` estimates (all of them
    when no model is known)."""
    allowed = set(kinds) if kinds is not None else set(CONFIGURATION_KINDS)
    return [(k, label) for k, label in CONFIGURATION_KINDS.items() if k in allowed]


def kind_error(kind: str, kinds: Iterable[str] | None = None) -> str:
    """The Korean reason a kind is refused."""
    label = CONFIGURATION_KINDS.get(kind, kind)
    learned = ", ".join(label for _k, label in kind_choices(kinds)) or "없음"
    return f"{label}: {NOT_ESTIMATED} (지금 모델이 학습한 종류: {learned})"


# --------------------------------------------------------------------------- parsing


@dataclass
class _Parsed:
    cpu_model: str
    cpu_id: int | None
    cpu_score: float
    gpu_model: str
    gpu_id: int | None
    gpu_score: float | None


def _parse(config: Configuration) -> _Parsed:
    """Parse and match the CPU/GPU names like a product's; unknown names are field errors."""
    from catalog.benchmarks import get_matcher
    from catalog.specs import parse_specs

    errors: dict[str, list[str]] = {}
    matcher = get_matcher()
    cpu_specs = parse_specs(config.cpu, "", {}, kind="cpu")
    # the catalog's one rule: the PassMark row's score, else an estimate (newer parts)
    cpu_match = matcher.score("cpu", cpu_specs.cpu_model) if cpu_specs.cpu_model else None
    if not cpu_specs.cpu_model:
        errors["cpu"] = [f"'{config.cpu}'에서 CPU 모델을 읽지 못했습니다 (예: 인텔 코어i5-12400F)"]
    elif cpu_match is None:
        errors["cpu"] = [
            f"{cpu_specs.cpu_model}은(는) 벤치마크 표에 없는 CPU입니다 (이름으로 점수를 추정할 수도 "
            "없습니다)"
        ]
    gpu_model, gpu_match = "", None
    if config.gpu.strip():
        gpu_model = parse_specs(config.gpu, "", {}, kind="gpu").gpu_model
        gpu_match = matcher.score("gpu", gpu_model) if gpu_model else None
        if not gpu_model:
            errors["gpu"] = [f"'{config.gpu}'에서 GPU 모델을 읽지 못했습니다 (예: RTX 4060)"]
        elif gpu_match is None:
            errors["gpu"] = [
                f"{gpu_model}은(는) 벤치마크 표에 없는 GPU입니다 (이름으로 점수를 추정할 수도 "
                "없습니다)"
            ]
    if config.kind not in CONFIGURATION_KINDS:
        errors["kind"] = [kind_error(config.kind)]
    if errors:
        raise ConfigurationError(errors)
    return _Parsed(
        cpu_model=cpu_specs.cpu_model,
        cpu_id=cpu_match.match.benchmark_id if cpu_match.match else None,
        cpu_score=float(cpu_match.score),
        gpu_model=gpu_model,
        gpu_id=gpu_match.match.benchmark_id if gpu_match and gpu_match.match else None,
        # Like the catalog's records: an integrated GPU keeps its benchmark score.
        gpu_score=float(gpu_match.score) if gpu_match else None,
    )


# --------------------------------------------------------------------------- catalog knowledge


@dataclass
class _Row:
    cpu_id: int | None
    gpu_id: int | None
    gpu_model: str
    gpu_score: float | None
    manufacturer: str
    os: str
    form_factor: str
    ssd_gb: int | None
    vram_gb: int | None
    gpu_integrated: bool


def _catalog_rows(kind: str, cpu_id: int | None, gpu_id: int | None) -> list[_Row]:
    """The active catalog products of ``kind`` with this CPU or this GPU (one query)."""
    from django.db.models import Q

    from catalog.models import Product

    match = Q(pk__in=[])
    if cpu_id is not None:
        match |= Q(cpu_benchmark_id=cpu_id)
    if gpu_id is not None:
        match |= Q(gpu_benchmark_id=gpu_id)
    values = (
        Product.objects.pc()
        .active()
        .filter(match, category__kind=kind)
        .annotate(gpu_score_value=part_score("gpu"))
        .values_list("cpu_benchmark_id", "gpu_benchmark_id", "gpu_model", "gpu_score_value",
                     "manufacturer__name", "os", "form_factor", "ssd_gb", "vram_gb",
                     "gpu_integrated")
    )  # fmt: skip
    return [
        _Row(c, g, gm or "", None if gs is None else float(gs), m or "", o or "", f or "", s, v, i)
        for c, g, gm, gs, m, o, f, s, v, i in values
    ]


def _mode(values: Iterable[object]) -> tuple[object, int] | None:
    """(most common non-empty value, how many rows had a value) or None."""
    counts = Counter(v for v in values if v not in (None, ""))
    if not counts:
        return None
    best = max(counts.items(), key=lambda kv: (kv[1], str(kv[0])))  # ties: by text, stable
    return best[0], sum(counts.values())


def _fill(parsed: _Parsed, config: Configuration, manufacturer: str) -> tuple[dict, list[Filled]]:
    """Values for what the user left empty, each the most common one among the catalog products
    closest to the typed configuration (same CPU+GPU(+brand), then same GPU, then same CPU)."""
    rows = _catalog_rows(config.kind, parsed.cpu_id, parsed.gpu_id)
    out: dict[str, object] = {}
    filled: list[Filled] = []
    gpu_model, gpu_id, gpu_score = parsed.gpu_model, parsed.gpu_id, parsed.gpu_score
    cpu_label = parsed.cpu_model
    if not gpu_model:
        # "No graphics card" is the CPU's integrated graphics: the one the catalog lists with it.
        igpu = [r for r in rows if r.cpu_id == parsed.cpu_id and r.gpu_integrated]
        found = _mode((r.gpu_model, r.gpu_id, r.gpu_score) for r in igpu)
        if found:
            (gpu_model, gpu_id, gpu_score), count = found
            filled.append(Filled("gpu", "그래픽", f"{gpu_model} (내장)",
                                 f"카탈로그의 {cpu_label} 내장 그래픽 상품 {count}개"))  # fmt: skip
    out.update(gpu_model=gpu_model, gpu_score=gpu_score)
    # no card typed: the CPU's graphics (the catalog's integrated GPU when it lists one)
    integrated = not parsed.gpu_model or is_integrated_gpu(parsed.gpu_model)
    out["integrated_gpu"] = integrated

    if config.vram_gb is None and not integrated and gpu_id is not None:
        found = _mode(r.vram_gb for r in rows if r.gpu_id == gpu_id)
        if found:
            out["vram_gb"], count = found
            filled.append(Filled("vram_gb", "그래픽 메모리", f"{out['vram_gb']}GB",
                                 f"카탈로그의 {gpu_model} 상품 {count}개에서 가장 흔한 값"))  # fmt: skip

    same_parts = [r for r in rows if r.cpu_id == parsed.cpu_id and r.gpu_id == gpu_id]
    levels = [
        ([r for r in same_parts if r.manufacturer == manufacturer] if manufacturer else [],
         f"{manufacturer} {cpu_label} + {gpu_model or '내장 그래픽'}"),
        (same_parts, f"{cpu_label} + {gpu_model or '내장 그래픽'}"),
        ([r for r in rows if gpu_id is not None and r.gpu_id == gpu_id], f"{gpu_model}"),
        ([r for r in rows if r.cpu_id == parsed.cpu_id], cpu_label),
    ]  # fmt: skip
    wanted = [("os", "운영체제", str), ("form_factor", "폼팩터", str)]
    if config.ssd_gb is None:
        wanted.append(("ssd_gb", "SSD", lambda v: f"{v}GB"))
    if not manufacturer:
        wanted.append(("manufacturer", "제조사", str))
    for name, label, show in wanted:
        for candidates, described in levels:
            found = _mode(getattr(r, name) for r in candidates)
            if found:
                out[name], count = found
                filled.append(Filled(name, label, show(out[name]),
                                     f"카탈로그의 {described} 상품 {count}개에서 가장 흔한 값"))  # fmt: skip
                break
    return out, filled


# --------------------------------------------------------------------------- the record


def configuration_record(
    config: Configuration,
    kinds: Iterable[str] | None = None,
    domain: dict[str, object] | None = None,
) -> TypedRecord:
    """The record of a typed-in configuration, built like a catalog product's: parsed and
    matched, gaps filled from the catalog (see ``_fill``), then checked against what the model
    was trained on: its ``kinds`` and the per-kind ranges in ``domain``. Raises
    ConfigurationError with a Korean reason per field."""
    from catalog.services import canonical_manufacturer

    parsed = _parse(config)
    if kinds is not None and config.kind not in set(kinds):
        raise ConfigurationError({"kind": [kind_error(config.kind, kinds)]})
    manufacturer = canonical_manufacturer(config.manufacturer or "")
    values, filled = _fill(parsed, config, manufacturer)
    manufacturer = manufacturer or str(values.get("manufacturer") or "")
    parts = [manufacturer, parsed.cpu_model, values["gpu_model"]]
    if config.ram_gb:
        parts.append(f"{config.ram_gb}GB")
    record = SpecRecord(
        key="configuration",
        name=" ".join(p for p in parts if p),
        kind=config.kind,
        manufacturer=manufacturer,
        cpu_model=parsed.cpu_model,
        gpu_model=str(values["gpu_model"]),
        cpu_score=parsed.cpu_score,
        gpu_score=values["gpu_score"],
        ram_gb=config.ram_gb,
        ssd_gb=config.ssd_gb if config.ssd_gb is not None else values.get("ssd_gb"),
        hdd_gb=config.hdd_gb or None,
        vram_gb=None if values["integrated_gpu"] else (config.vram_gb or values.get("vram_gb")),
        os=str(values.get("os") or ""),
        form_factor=str(values.get("form_factor") or ""),
        integrated_gpu=bool(values["integrated_gpu"]),
    )
    errors: dict[str, list[str]] = {}
    for name, reason in outside_domain(record, domain or {}).items():
        was_filled = any(f.field == name for f in filled)
        target = DOMAIN_FORM_FIELDS.get(name, name)
        errors.setdefault(target, []).append(
            reason + (" (입력하지 않아 카탈로그 값으로 채움)" if was_filled else "")
        )
    if errors:
        raise ConfigurationError(errors)
    return TypedRecord(record=record, filled=filled)


__all__ = ["CONFIGURATION_INPUT", "Configuration", "ConfigurationError", "Filled", "InputField",
           "TypedRecord", "configuration_from", "configuration_record", "kind_choices",
           "kind_error", "kind_problem"]  # fmt: skip
