"""Compare up to four products side by side: specs, benchmark scores, the score for each use
case, price, fair price and deal, buy/wait verdict; rows whose values differ are marked and the
best value of a row is named. The URL (``/recommend/compare/?ids=1,2,3``) is the comparison."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.models import Product
from recommend.entries import stored_deals, verdict_for
from recommend.models import UseCase
from recommend.querysets import references, with_scores

MAX_COMPARED = 4


class CompareError(ValueError):
    """Bad ids: said in Korean on the page."""


def parse_ids(values: list[str]) -> list[int]:
    """Product ids from ``?ids=1,2&ids=3`` (order kept, duplicates dropped)."""
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or len(part) > 12:
                raise CompareError(f"상품 번호는 양의 정수여야 합니다: '{part[:20]}'")
            if int(part) not in ids:
                ids.append(int(part))
    if len(ids) > MAX_COMPARED:
        raise CompareError(
            f"한 번에 {MAX_COMPARED}개까지 비교할 수 있습니다 ({len(ids)}개를 골랐습니다)."
        )
    return ids


@dataclass
class Row:
    label: str
    cells: list[str]
    values: list[object] = field(default_factory=list)
    better: str = ""  # "high", "low" or "" (no best)
    group: str = ""

    @property
    def differs(self) -> bool:
        return len(set(self.cells)) > 1

    @property
    def best(self) -> set[int]:
        """Indexes of the best cells (only when the row differs and has a direction)."""
        known = [(i, v) for i, v in enumerate(self.values) if v is not None]
        if not self.better or not self.differs or len(known) < 2:
            return set()
        target = (max if self.better == "high" else min)(v for _, v in known)
        return {i for i, v in known if v == target}

    def cell_list(self) -> list[dict[str, object]]:
        best = self.best
        return [{"text": c, "best": i in best} for i, c in enumerate(self.cells)]


def _mark(score: int | None, estimated: bool) -> str:
    """A CPU/GPU Mark cell: "32,000", "32,000 (추정)" for an estimate, "—" for none."""
    if score is None:
        return "—"
    return f"{score:,} (추정)" if estimated else f"{score:,}"


def _n(value: object, unit: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, int | float):
        return f"{value:,.0f}{unit}" if isinstance(value, int) else f"{value:,.1f}{unit}"
    return f"{value}{unit}"


def compare(ids: list[int]) -> tuple[list[Product], list[Row], list[int]]:
    """(products in the order asked, rows, ids not found)."""
    uses = list(UseCase.objects.all())
    refs = references()
    qs = Product.objects.with_related().filter(pk__in=ids)
    for use in uses:
        qs = with_scores(qs, use, refs, prefix=f"{use.key}_")
    found = {p.pk: p for p in qs}
    products = [found[i] for i in ids if i in found]
    missing = [i for i in ids if i not in found]
    deals = stored_deals(products)
    verdicts = [verdict_for(p) for p in products]
    rows: list[Row] = []

    def add(
        label: str,
        values: list[object],
        cells: list[str] | None = None,
        better: str = "",
        group: str = "",
    ) -> None:
        rows.append(Row(label, cells or [_n(v) for v in values], values, better, group))

    add(
        "가격",
        [p.current_price for p in products],
        [_n(p.current_price, "원") for p in products],
        "low",
        "가격",
    )
    add("가격 기준일", [str(p.current_price_day or "") for p in products], group="가격")
    fair = [deals.get(p.pk, (None, None)) for p in products]
    add("AI 적정가", [f[0] for f in fair], [_n(f[0], "원") for f in fair], group="가격")
    add("적정가 대비", [f[1]["percent"] if f[1] else None for f in fair],
        [f[1]["text"] if f[1] else "—" for f in fair], "high", "가격")  # fmt: skip
    add(
        "살까 말까",
        [v["label"] if v else "" for v in verdicts],
        [v["label"] if v else "—" for v in verdicts],
        group="가격",
    )
    for use in uses:
        scores = [getattr(p, f"{use.key}_score") for p in products]
        add(f"{use.label} 점수", [round(s, 1) if s is not None else None for s in scores],
            [f"{s:.1f}" if s is not None else "성능 정보 부족" for s in scores], "high", "용도별 점수")  # fmt: skip
    add(
        "제조사", [p.manufacturer.name if p.manufacturer_id else "" for p in products], group="사양"
    )
    add("CPU", [p.cpu_model for p in products], group="사양")
    add(
        "CPU Mark",
        [p.cpu_score for p in products],
        [_mark(p.cpu_score, p.cpu_score_is_estimated) for p in products],
        better="high",
        group="사양",
    )
    add(
        "GPU",
        [p.gpu_model + (" (내장)" if p.gpu_integrated else "") for p in products],
        group="사양",
    )
    add(
        "G3D Mark",
        [p.gpu_score for p in products],
        [_mark(p.gpu_score, p.gpu_score_is_estimated) for p in products],
        better="high",
        group="사양",
    )
    add("RAM", [p.ram_gb for p in products], [_n(p.ram_gb, "GB") for p in products], "high", "사양")
    add("SSD", [p.ssd_gb for p in products], [_n(p.ssd_gb, "GB") for p in products], "high", "사양")
    add(
        "VRAM",
        [p.vram_gb for p in products],
        [_n(p.vram_gb, "GB") for p in products],
        "high",
        "사양",
    )
    add("운영체제", [p.os for p in products], group="사양")
    add("폼팩터", [p.form_factor for p in products], group="사양")
    return products, rows, missing
