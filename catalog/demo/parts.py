"""Component products of the demo catalog: boxed CPUs (CPU category) and graphics cards
(그래픽카드 category), for the parts the demo's desktops are built from.

Names follow Danawa's listings (``인텔 코어i5-12세대 12400F (엘더레이크)``, ``MSI 지포스 RTX 4060
벤투스 2X OC D6 8GB``), so the spec parser reads the same model, chipset and VRAM from them as
the desktops carry (checked by catalog/tests/test_seed_demo.py). A CPU is one product with its
variants (정품, and for some 벌크 or 멀티팩(정품)); a chipset has several cards from different
brands. Retail prices start from the part's street price in ``catalog.demo.components`` with a
brand factor and move with the demo market like the desktops' parts.

Each component draws from its own seeded stream (namespace ``part:cpu:<model>`` /
``part:gpu:<model>``), so adding or removing components never changes a desktop or its prices.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from catalog.demo.components import Cpu, Gpu
from catalog.demo.generator import product_rng

# first Danawa code name by CPU generation / series
_INTEL_CODENAMES = {"12": "엘더레이크", "13": "랩터레이크", "14": "랩터레이크 리프레시"}
_AMD_CODENAMES = {"4": "버미어", "5": "라파엘", "6": "그래니트 릿지"}

# (brand, line words, price factor) per GPU vendor; the first ones are listed most often
NVIDIA_CARDS = (
    ("MSI", "벤투스 2X OC", 1.0), ("이엠텍", "STORM X Dual OC", 0.97),
    ("GIGABYTE", "WINDFORCE OC", 1.01), ("ZOTAC", "GAMING TWIN Edge OC", 0.98),
    ("ASUS", "DUAL OC", 1.04), ("PALIT", "StormX OC", 0.96), ("갤럭시", "EX 게이머 OC", 1.02),
    ("MSI", "GAMING X 트리오", 1.13), ("ASUS", "TUF Gaming OC", 1.16),
)  # fmt: skip
AMD_CARDS = (
    ("SAPPHIRE", "PULSE", 1.0), ("PowerColor", "Hellhound", 1.02), ("ASRock", "Challenger", 0.97),
    ("XFX", "SWFT", 0.98), ("SAPPHIRE", "NITRO+", 1.1),
)  # fmt: skip
INTEL_CARDS = (("ASRock", "Challenger", 1.0), ("SPARKLE", "ORC OC", 0.97))
_D6X = {"RTX 3080", "RTX 4070", "RTX 4070 SUPER", "RTX 4070 Ti", "RTX 4070 Ti SUPER",
        "RTX 4080 SUPER", "RTX 4090"}  # fmt: skip


@dataclass(frozen=True)
class PartSpec:
    """One component product: what the seeder writes before prices."""

    kind: str  # "cpu" | "gpu"
    pcode: str
    name: str
    brand: str
    spec_summary: str
    cpu: Cpu | None
    gpu: Gpu | None
    base_price: int  # the retail (정품) price on day 0 of the window, before the market
    family: str  # the market factor it follows ("cpu:intel13", "gpu:rtx40")
    # other variants beside 정품: (label, price ratio to 정품); () for a card
    variants: tuple[tuple[str, float], ...]
    price_style: int
    stream: str  # its random stream's namespace (prices)


def sold_separately(c: Cpu) -> bool:
    """A boxed desktop CPU (not Apple, not a soldered mobile part)."""
    return c.vendor != "apple" and not c.socket.startswith(("FCBGA", "FP"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cpu_part(seed: int, c: Cpu) -> PartSpec:
    stream = f"part:cpu:{c.name}"
    rng = product_rng(seed, stream, 0)
    label = c.label.removeprefix("인텔 ").removeprefix("AMD ")
    if c.vendor == "intel":
        m = re.search(r"-(\d\d)세대", label)
        codename = _INTEL_CODENAMES.get(m[1], "") if m else "애로우레이크"
        name, brand = f"인텔 {label} ({codename})", "Intel"
        variants = (("벌크", rng.uniform(0.86, 0.93)),) if rng.random() < 0.6 else ()
    else:
        m = re.search(r"-(\d)세대", label)
        codename = _AMD_CODENAMES.get(m[1], "") if m else ""
        if c.short.endswith("G"):
            codename = "세잔"
        name, brand = f"AMD {label} ({codename})", "AMD"
        variants = (("멀티팩(정품)", rng.uniform(0.94, 0.98)),) if rng.random() < 0.5 else ()
    summary = f"{c.cores}코어 / 소켓 {c.socket} / TDP {c.tdp:g}W"
    summary += " / 내장그래픽 탑재" if c.igpu else " / 내장그래픽 미탑재"
    return PartSpec(
        kind="cpu",
        pcode=f"demo-cpu-{_slug(c.short if c.vendor == 'intel' else c.name.split(' ', 2)[2])}"[:32],
        name=name,
        brand=brand,
        spec_summary=summary,
        cpu=c,
        gpu=None,
        base_price=round(c.price * math.exp(rng.gauss(0.03, 0.03)), -2),
        family=f"cpu:{c.family}",
        variants=variants,
        price_style=0,  # to the 100 won: parts shops do not price to x9,900 like PC shops
        stream=stream,
    )


def gpu_parts(seed: int, g: Gpu) -> list[PartSpec]:
    """Three to five cards of one discrete chipset from different brands' lines."""
    stream = f"part:gpu:{g.name}"
    rng = product_rng(seed, stream, 0)
    lines = {"nvidia": NVIDIA_CARDS, "amd": AMD_CARDS, "intel": INTEL_CARDS}[g.vendor]
    count = min(len(lines), rng.randint(3, 5))
    picked = sorted(rng.sample(range(len(lines)), count))
    memory = "D7" if g.family == "rtx50" else "D6X" if g.label in _D6X else "D6"
    chip = {"nvidia": "지포스 ", "amd": "라데온 ", "intel": ""}[g.vendor] + g.label
    out = []
    for k in picked:
        brand, words, factor = lines[k]
        name = f"{brand} {chip} {words} {memory} {g.vram_gb}GB"
        card_rng = product_rng(seed, f"{stream}:{k}", 0)
        out.append(
            PartSpec(
                kind="gpu",
                pcode=f"demo-vga-{_slug(g.label).replace('-', '')}-{k + 1}"[:32],
                name=name,
                brand=brand,
                spec_summary=f"{g.label} / {memory.replace('D', 'GDDR')} {g.vram_gb}GB / "
                f"권장 파워 {int(g.tdp * 2 + 200) // 50 * 50}W",
                cpu=None,
                gpu=g,
                base_price=round(g.price * factor * math.exp(card_rng.gauss(0.02, 0.03)), -2),
                family=f"gpu:{g.family}",
                variants=(),
                price_style=0,
                stream=f"{stream}:{k}",
            )
        )
    return out


def component_specs(seed: int, cpus: list[Cpu], gpus: list[Gpu]) -> list[PartSpec]:
    """The component products for these CPUs and GPUs (boxed CPUs; discrete GPUs), in a
    stable order."""
    out = [cpu_part(seed, c) for c in sorted(set(cpus), key=lambda c: c.name) if sold_separately(c)]
    for g in sorted({g for g in gpus if not g.integrated and g.price}, key=lambda g: g.name):
        out.extend(gpu_parts(seed, g))
    return out
