"""조립하면 얼마? — a desktop's parts bought separately, against its listed price.

A second, explainable anchor next to the model's fair price: every line says where its won
figure came from.

* CPU: the lowest current price among the catalog's CPU products of the same model
  (``Product.cpu_model``), the retail (정품) variant preferred over bulk (벌크); the line names
  the product.
* Graphics: the lowest current price among the catalog's graphics cards of the same chipset and
  VRAM, else of the same chipset (said so); integrated graphics cost nothing extra.
* When the catalog has no current price for the CPU or GPU, the stated typical price of that
  model (``TYPICAL_CPU`` / ``TYPICAL_GPU``) is used, else the line is "가격 없음" and left out of
  the sum, with a note (never silently).
* Everything else (RAM by DDR generation, SSD, HDD, motherboard by platform and tier, power
  supply by wattage, case, cooler, the Windows licence when the spec says it is included, the
  assembly fee, an all-in-one's screen) comes from the stated table below, each line labelled
  "일반 시세(고정값)": typical Korean street prices, set by hand (``TYPICAL_AS_OF``).

The premium is the listed price minus the parts' sum, in won and as a share of the sum. Pages,
the analysis page and the API all read ``parts_sum(product)``, so their figures agree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from django.utils import timezone

from catalog.models import CategoryKind, PriceSnapshot, Product

# --------------------------------------------------------------------------- the stated table

TYPICAL_AS_OF = dt.date(2026, 11, 1)
TYPICAL_SOURCE = "일반적인 국내 조립PC 부품 시세를 사람이 정해 둔 고정값 (manually set)"
# A catalog price older than this (before the desktop's own price day) is not "today's".
FRESH_DAYS = 14

SOURCE_LABELS = {
    "catalog": "카탈로그 최저가",
    "typical": "일반 시세(고정값)",
    "included": "포함",
    "missing": "가격 없음",
}

RAM_PER_GB = {"DDR4": 3_500, "DDR5": 5_000}
SSD_BY_GB = {128: 30_000, 256: 40_000, 512: 60_000, 1000: 95_000, 2000: 170_000, 4000: 330_000}
HDD_BY_GB = {500: 45_000, 1000: 60_000, 2000: 85_000, 4000: 125_000, 8000: 230_000}
# platform -> {chipset tier: won}; which tier a CPU gets is ``_board_tier``
BOARD = {
    "LGA1200": {"H510": 85_000, "B560": 120_000, "Z590": 230_000},
    "LGA1700": {"H610": 90_000, "B760": 150_000, "Z790": 300_000},
    "LGA1851": {"B860": 200_000, "Z890": 350_000},
    "AM4": {"A520": 80_000, "B550": 130_000},
    "AM5": {"A620": 120_000, "B650": 190_000, "X870": 350_000},
}
PSU_BY_WATT = {500: 55_000, 600: 70_000, 700: 90_000, 850: 130_000, 1000: 190_000, 1200: 260_000}
CASE_BY_FORM = {"미니PC": 45_000, "슬림": 55_000, "미니타워": 50_000, "미들타워": 65_000,
                "빅타워": 130_000}  # fmt: skip
CASE_DEFAULT = 60_000
COOLER = {"air": 40_000, "water": 120_000}
WINDOWS = {"Home": 150_000, "Pro": 200_000}
ASSEMBLY_FEE = 30_000
AIO_SCREEN = 150_000  # a 24-inch FHD monitor in place of an all-in-one's built-in screen

# Typical retail prices of common CPUs and GPUs, used only when the catalog has no current price.
TYPICAL_CPU = {
    "Intel Core i3-12100": 150_000, "Intel Core i3-13100": 170_000,
    "Intel Core i3-14100": 180_000, "Intel Core i5-12400": 190_000,
    "Intel Core i5-12400F": 150_000, "Intel Core i5-13400": 270_000,
    "Intel Core i5-13400F": 220_000, "Intel Core i5-14400": 290_000,
    "Intel Core i5-14400F": 240_000, "Intel Core i5-13600K": 390_000,
    "Intel Core i5-14600K": 410_000, "Intel Core i7-12700": 370_000,
    "Intel Core i7-12700F": 330_000, "Intel Core i7-13700": 470_000,
    "Intel Core i7-13700F": 430_000, "Intel Core i7-14700": 510_000,
    "Intel Core i7-14700F": 470_000, "Intel Core i7-14700K": 570_000,
    "Intel Core i9-13900K": 740_000, "Intel Core i9-14900K": 790_000,
    "Intel Core Ultra 5 225F": 290_000, "Intel Core Ultra 7 265KF": 540_000,
    "Intel Core Ultra 9 285K": 840_000, "AMD Ryzen 5 5600": 135_000,
    "AMD Ryzen 5 5600X": 165_000, "AMD Ryzen 5 5600G": 155_000, "AMD Ryzen 7 5700X": 195_000,
    "AMD Ryzen 7 5800X3D": 370_000, "AMD Ryzen 5 7600": 245_000, "AMD Ryzen 5 7600X": 275_000,
    "AMD Ryzen 7 7700": 335_000, "AMD Ryzen 7 7700X": 355_000, "AMD Ryzen 7 7800X3D": 540_000,
    "AMD Ryzen 9 7900X": 510_000, "AMD Ryzen 9 7950X": 740_000, "AMD Ryzen 5 9600X": 320_000,
    "AMD Ryzen 7 9800X3D": 670_000,
}  # fmt: skip
TYPICAL_GPU = {
    "GeForce GTX 1650": 210_000, "GeForce RTX 3050": 280_000, "GeForce RTX 3060": 380_000,
    "GeForce RTX 4060": 410_000, "GeForce RTX 4060 Ti": 530_000, "GeForce RTX 4070": 810_000,
    "GeForce RTX 4070 SUPER": 890_000, "GeForce RTX 4070 Ti SUPER": 1_160_000,
    "GeForce RTX 4080 SUPER": 1_460_000, "GeForce RTX 4090": 2_900_000,
    "GeForce RTX 5060": 460_000, "GeForce RTX 5060 Ti": 660_000, "GeForce RTX 5070": 860_000,
    "GeForce RTX 5070 Ti": 1_260_000, "GeForce RTX 5080": 1_760_000,
    "Radeon RX 6600": 270_000, "Radeon RX 7600": 350_000, "Radeon RX 7700 XT": 600_000,
    "Radeon RX 7800 XT": 700_000, "Radeon RX 9070 XT": 1_000_000,
}  # fmt: skip

_SKU = re.compile(r"\s+\d+GB$")
_BULK = re.compile(r"벌크|bulk|트레이|tray", re.I)


class NotApplicable(Exception):
    """This product is not a desktop whose parts can be bought separately (the message says why,
    in Korean)."""


@dataclass(frozen=True)
class PartLine:
    """One part: what it is, how it was priced and for how much (``won`` None: no price)."""

    part: str  # cpu | gpu | ram | ssd | hdd | board | psu | case | cooler | os | screen | assembly
    label: str
    spec: str
    won: int | None
    source: str  # catalog | typical | included | missing
    note: str = ""
    product_id: int | None = None
    product_name: str = ""
    product_url: str = ""
    price_day: dt.date | None = None

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]


@dataclass
class PartsSum:
    """A desktop's parts-sum: the lines, their total, the listed price and the premium."""

    product_id: int
    lines: list[PartLine]
    listed_price: int | None
    listed_day: dt.date | None
    notes: list[str] = field(default_factory=list)
    typical_as_of: dt.date = TYPICAL_AS_OF
    typical_source: str = TYPICAL_SOURCE

    @property
    def total(self) -> int:
        return sum(line.won or 0 for line in self.lines if line.source != "missing")

    @property
    def missing(self) -> list[PartLine]:
        return [line for line in self.lines if line.source == "missing"]

    @property
    def missing_count(self) -> int:
        return len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def premium_won(self) -> int | None:
        return None if self.listed_price is None else self.listed_price - self.total

    @property
    def premium_abs(self) -> int | None:
        return None if self.premium_won is None else abs(self.premium_won)

    @property
    def premium_pct(self) -> float | None:
        """The premium as a share of the parts' sum, in percent, one decimal."""
        if self.premium_won is None or self.total <= 0:
            return None
        return round(100 * self.premium_won / self.total, 1)

    @property
    def catalog_lines(self) -> int:
        return sum(line.source == "catalog" for line in self.lines)

    def as_dict(self) -> dict[str, object]:
        """The API's shape (and the analysis page's)."""
        return {
            "product_id": self.product_id,
            "lines": [{**asdict(line), "source_label": line.source_label} for line in self.lines],
            "total": self.total,
            "listed_price": self.listed_price,
            "listed_day": self.listed_day,
            "premium_won": self.premium_won,
            "premium_pct": self.premium_pct,
            "complete": self.complete,
            "missing_count": len(self.missing),
            "notes": list(self.notes),
            "typical_as_of": self.typical_as_of,
            "typical_source": self.typical_source,
        }


# --------------------------------------------------------------------------- entry point


def applicable(product: Product) -> str:
    """ "" when the parts-sum applies to ``product``, else the Korean reason why not."""
    if product.category.kind != CategoryKind.DESKTOP:
        return (
            f"조립 부품가 비교는 데스크톱에만 있습니다 "
            f"(이 상품은 {product.category.get_kind_display()})."
        )
    if (product.cpu_model or "").startswith("Apple"):
        return "애플 칩은 부품을 따로 살 수 없어 조립 부품가를 계산하지 않습니다."
    if not product.cpu_model:
        return "CPU 정보가 없어 조립 부품가를 계산하지 않습니다."
    return ""


def parts_sum(product: Product) -> PartsSum:
    """The parts-sum of a desktop (see the module docstring); ``NotApplicable`` for others."""
    reason = applicable(product)
    if reason:
        raise NotApplicable(reason)
    ref_day = product.current_price_day or timezone.localdate()
    since = ref_day - dt.timedelta(days=FRESH_DAYS)
    platform = _platform(product)
    ddr = _ddr(product, platform)
    tdp_cpu, tdp_gpu = _tdps(product)
    lines = [
        _cpu_line(product, since),
        _gpu_line(product, since),
        _ram_line(product, ddr),
        *_storage_lines(product),
        _board_line(product, platform),
        _psu_line(product, tdp_cpu, tdp_gpu),
        _cooler_line(product, tdp_cpu, platform),
    ]
    if product.form_factor == "일체형":
        lines.append(_typical("screen", "화면", "24인치 FHD 모니터 (일체형 화면 대신)", AIO_SCREEN))
    else:
        lines.append(_case_line(product))
    if product.os.startswith("Windows"):
        edition = "Pro" if "Pro" in product.os else "Home"
        lines.append(_typical("os", "운영체제", f"{product.os} 정품 라이선스", WINDOWS[edition]))
    lines.append(_typical("assembly", "조립비", "조립·설치 공임", ASSEMBLY_FEE))
    lines = [line for line in lines if line is not None]
    result = PartsSum(
        product_id=product.pk,
        lines=lines,
        listed_price=product.current_price,
        listed_day=product.current_price_day,
    )
    if result.missing:
        names = ", ".join(line.label for line in result.missing)
        result.notes.append(
            f"가격을 알 수 없는 부품({names})은 합계에서 뺐습니다: 실제 부품가 합은 이보다 높고, "
            f"프리미엄은 이보다 낮습니다."
        )
    if product.form_factor in ("일체형", "미니PC"):
        result.notes.append(
            f"{product.form_factor}는 전용 부품이 들어 있어 같은 구성으로 조립하기 어렵습니다: "
            f"대략의 비교로 보세요."
        )
    if product.current_price is None:
        result.notes.append("이 상품의 현재 가격이 없어 프리미엄을 계산하지 않습니다.")
    return result


# --------------------------------------------------------------------------- CPU and GPU


def _typical(part: str, label: str, spec: str, won: int, note: str = "") -> PartLine:
    return PartLine(part, label, spec, won, "typical" if won else "included", note)


def _catalog_line(part: str, label: str, spec: str, product: Product, won: int, note: str):
    return PartLine(
        part, label, spec, won, "catalog", note,
        product_id=product.pk, product_name=product.name,
        product_url=product.get_absolute_url(), price_day=product.current_price_day,
    )  # fmt: skip


def _fresh(kind: str, since: dt.date):
    return (
        Product.objects.active()
        .of_kind(kind)
        .filter(current_price__isnull=False, current_price_day__gte=since)
    )


def _cpu_line(product: Product, since: dt.date) -> PartLine:
    model = product.cpu_model
    candidates = list(_fresh(CategoryKind.CPU, since).filter(cpu_model=model))
    if not candidates:
        return _fallback("cpu", "CPU", model, TYPICAL_CPU.get(model))
    offers = _cpu_offers(candidates)
    tier = min(offers)
    won, _pk, item, variant = min(offers[tier])
    note = f"{variant or '정품'} 기준" if tier == RETAIL else f"정품 가격이 없어 {variant} 가격"
    cheaper = [o for t, rows in offers.items() if t != tier for o in rows if o[0] < won]
    if tier == RETAIL and cheaper:
        best = min(cheaper)
        note += f" (더 싼 {best[3]} {best[0]:,}원은 쿨러·보증 차이로 쓰지 않음)"
    return _catalog_line("cpu", "CPU", model, item, won, note)


RETAIL, OTHER_BOX, BULK = 0, 1, 2


def _offer_tier(variant: str, name: str) -> int:
    """정품 (or a product with no variants) first, then other boxed offers (병행수입, 해외구매),
    then bulk (벌크, 트레이: no cooler, shorter warranty)."""
    if _BULK.search(variant) or (not variant and _BULK.search(name)):
        return BULK
    if not variant or "정품" in variant:
        return RETAIL
    return OTHER_BOX


def _cpu_offers(candidates: list[Product]) -> dict[int, list]:
    """{tier: [(won, pk, product, variant)]} of the candidates' offers on their latest day."""
    by_id = {p.pk: p for p in candidates}
    rows = PriceSnapshot.objects.filter(
        product_id__in=list(by_id), day__gte=min(p.current_price_day for p in candidates)
    ).values_list("product_id", "day", "variant", "price")
    offers: dict[int, list] = {}
    seen = set()
    for pid, day, variant, price in rows:
        item = by_id[pid]
        if day != item.current_price_day:
            continue
        seen.add(pid)
        offers.setdefault(_offer_tier(variant, item.name), []).append((price, pid, item, variant))
    for pid, item in by_id.items():  # a current price without its rows (not written so)
        if pid not in seen:
            tier = _offer_tier("", item.name)
            offers.setdefault(tier, []).append((item.current_price, pid, item, ""))
    return offers


def chipset(gpu_model: str) -> str:
    """The GPU model without its memory SKU ("GeForce RTX 3060 8GB" -> "GeForce RTX 3060")."""
    return _SKU.sub("", gpu_model or "")


def _gpu_line(product: Product, since: dt.date) -> PartLine:
    if product.gpu_integrated:
        return PartLine("gpu", "그래픽", f"{product.gpu_model} (CPU 내장)", 0, "included",
                        "CPU 내장 그래픽: 따로 사지 않습니다")  # fmt: skip
    if not product.gpu_model:
        return PartLine("gpu", "그래픽", "정보 없음", None, "missing", "그래픽 정보가 없습니다")
    chip = chipset(product.gpu_model)
    vram = product.vram_gb
    spec = f"{chip} {vram}GB" if vram else chip
    cards = [
        p
        for p in _fresh(CategoryKind.GPU, since).filter(gpu_model__startswith=chip)
        if chipset(p.gpu_model) == chip
    ]
    same = [p for p in cards if vram and p.vram_gb == vram]
    if same:
        best = min(same, key=lambda p: (p.current_price, p.pk))
        note = f"같은 칩셋·VRAM 카드 {len(same)}개 중 최저가"
        return _catalog_line("gpu", "그래픽카드", spec, best, best.current_price, note)
    if cards:
        best = min(cards, key=lambda p: (p.current_price, p.pk))
        other = f"{best.vram_gb}GB" if best.vram_gb else "VRAM 미상"
        note = (
            f"같은 VRAM 카드가 없어 같은 칩셋 카드({other}) 최저가"
            if vram
            else "VRAM 정보가 없어 같은 칩셋 카드 최저가"
        )
        return _catalog_line("gpu", "그래픽카드", spec, best, best.current_price, note)
    return _fallback("gpu", "그래픽카드", spec, TYPICAL_GPU.get(chip))


def _fallback(part: str, label: str, spec: str, typical: int | None) -> PartLine:
    if typical:
        return PartLine(part, label, spec, typical, "typical",
                        "카탈로그에 최근 가격이 없어 일반 시세")  # fmt: skip
    return PartLine(part, label, spec, None, "missing",
                    "카탈로그 가격도 일반 시세도 없어 합계에서 뺌")  # fmt: skip


# --------------------------------------------------------------------------- the other parts


def _platform(product: Product) -> str:
    """LGA1700, AM5, … from the matched benchmark's socket or the model name; "mobile" for a
    soldered laptop-class CPU; "" when unknown."""
    bench = product.cpu_benchmark if product.cpu_benchmark_id else None
    socket = (getattr(bench, "socket", "") or "").upper().replace("FCLGA", "LGA")
    if socket in BOARD:
        return socket
    if socket.startswith(("FCBGA", "BGA", "FP")):
        return "mobile"
    model = product.cpu_model
    if re.search(r"Core i\d-\d{4,5}[A-Z]*[PUH]$|Ryzen \d \d{4}(?:U|H|HS|HX)$", model):
        return "mobile"
    if re.search(r"Core Ultra \d 2\d\d", model):
        return "LGA1851"
    m = re.search(r"Core i\d-(\d{2})\d{3}", model)
    if m:
        gen = int(m[1])
        return "LGA1700" if 12 <= gen <= 14 else "LGA1200" if gen in (10, 11) else ""
    m = re.search(r"Ryzen \d (\d)\d{3}", model)
    if m:
        return "AM5" if m[1] in "79" else "AM4" if m[1] in "35" else ""
    return ""


def _spec_text(product: Product) -> str:
    raw = product.specs_raw if isinstance(product.specs_raw, dict) else {}
    return " ".join([product.spec_summary, *map(str, raw.values())])


def _ddr(product: Product, platform: str) -> tuple[str, bool]:
    """(DDR generation, stated by the spec)."""
    m = re.search(r"(?<!G)DDR([45])", _spec_text(product), re.I)  # not a card's GDDR5
    if m:
        return f"DDR{m[1]}", True
    return ("DDR5" if platform in ("AM5", "LGA1851") else "DDR4"), False


def _tdps(product: Product) -> tuple[float, float]:
    cpu = product.cpu_benchmark.tdp if product.cpu_benchmark_id else None
    gpu = product.gpu_benchmark.tdp if product.gpu_benchmark_id else None
    if product.gpu_integrated:
        gpu = 0.0
    return float(cpu or 65), float(gpu if gpu is not None else 150)


def _ram_line(product: Product, ddr: tuple[str, bool]) -> PartLine:
    gen, stated = ddr
    if not product.ram_gb:
        return PartLine("ram", "메모리", "용량 정보 없음", None, "missing", "RAM 용량을 모릅니다")
    note = f"{gen} GB당 {RAM_PER_GB[gen]:,}원" + ("" if stated else f" ({gen}로 가정)")
    return _typical("ram", "메모리", f"{gen} {product.ram_gb}GB",
                    product.ram_gb * RAM_PER_GB[gen], note)  # fmt: skip


def _tier_price(table: dict[int, int], gb: int) -> tuple[int, int]:
    """(size, won) of the smallest listed size ≥ ``gb`` (the largest when none)."""
    size = min((s for s in table if s >= gb), default=max(table))
    return size, table[size]


def _size(gb: int) -> str:
    return f"{gb / 1000:g}TB" if gb >= 1000 else f"{gb}GB"


def _storage_lines(product: Product) -> list[PartLine]:
    lines = []
    if product.ssd_gb:
        size, won = _tier_price(SSD_BY_GB, product.ssd_gb)
        note = "" if size == product.ssd_gb else f"{_size(size)} 가격"
        lines.append(_typical("ssd", "SSD", f"NVMe {_size(product.ssd_gb)}", won, note))
    if product.hdd_gb:
        size, won = _tier_price(HDD_BY_GB, product.hdd_gb)
        note = "" if size == product.hdd_gb else f"{_size(size)} 가격"
        lines.append(_typical("hdd", "HDD", _size(product.hdd_gb), won, note))
    if not lines:
        lines.append(
            PartLine("ssd", "저장장치", "정보 없음", None, "missing", "저장장치를 모릅니다")
        )
    return lines


def _overclock(model: str) -> bool:
    return bool(re.search(r"\d(?:K|KF|KS)$|Ultra \d 2\d\dK", model))


def _board_tier(model: str, platform: str) -> str:
    """The chipset tier a shop would pair with the CPU: the entry one for an i3 or a Ryzen 3/5
    without X, the top one for an unlocked Intel (K) or a Ryzen 9 on AM5, else the B series."""
    tiers = list(BOARD[platform])
    middle = next((t for t in tiers if t.startswith("B")), tiers[0])
    if platform.startswith("LGA"):
        if _overclock(model):
            return tiers[-1]
        return (
            tiers[0] if re.search(r"Core i3-", model) and not tiers[0].startswith("B") else middle
        )
    if platform == "AM5" and re.search(r"Ryzen 9 ", model):
        return tiers[-1]
    if re.search(r"Ryzen [35] \d{4}G?$", model):
        return tiers[0]
    return middle


def _board_line(product: Product, platform: str) -> PartLine:
    if platform == "mobile":
        return PartLine("board", "메인보드", "노트북용 CPU 일체형 보드", None, "missing",
                        "모바일 CPU는 보드에 납땜되어 따로 살 수 없습니다")  # fmt: skip
    if not platform:
        return PartLine("board", "메인보드", "플랫폼 미상", None, "missing",
                        "CPU 소켓을 알 수 없어 보드 가격을 정하지 않았습니다")  # fmt: skip
    tier = _board_tier(product.cpu_model, platform)
    return _typical("board", "메인보드", f"{platform} {tier} 급", BOARD[platform][tier],
                    "CPU에 맞춘 칩셋 급 (추정)")  # fmt: skip


def _psu_line(product: Product, tdp_cpu: float, tdp_gpu: float) -> PartLine:
    m = re.search(r"(?:파워|PSU|전원)[^/]{0,20}?(\d{3,4})\s*W", _spec_text(product), re.I)
    if m:
        watt, stated = int(m[1]), True
    else:
        watt, stated = int(tdp_cpu + tdp_gpu + 150), False
    size, won = _tier_price(PSU_BY_WATT, watt)
    note = "사양에 적힌 용량" if stated else f"CPU·GPU 전력({int(tdp_cpu + tdp_gpu)}W)+여유로 추정"
    return _typical("psu", "파워", f"{size}W 80PLUS 브론즈급", won, note)


def _cooler_line(product: Product, tdp_cpu: float, platform: str) -> PartLine | None:
    if platform == "mobile":
        return None
    model = product.cpu_model
    if tdp_cpu <= 65 and not _overclock(model) and not re.search(r"X3D$", model):
        return PartLine("cooler", "CPU 쿨러", "정품 기본 쿨러", 0, "included",
                        "정품 CPU에 포함")  # fmt: skip
    if tdp_cpu >= 150:
        return _typical("cooler", "CPU 쿨러", "240mm 수랭 쿨러", COOLER["water"])
    return _typical("cooler", "CPU 쿨러", "타워형 공랭 쿨러", COOLER["air"])


def _case_line(product: Product) -> PartLine:
    form = product.form_factor
    won = CASE_BY_FORM.get(form, CASE_DEFAULT)
    return _typical("case", "케이스", f"{form or '일반'} 케이스", won)
