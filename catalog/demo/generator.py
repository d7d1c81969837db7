"""Deterministic demo desktops: product ``i`` of seed ``s`` is always the same machine, whatever
the total count, so a small seed is the head of the full one and re-runs upsert the same rows."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from catalog.danawa import categories as danawa_categories
from catalog.demo.components import Cpu, Gpu, cpu, gpu
from catalog.demo.lines import LINES, WHITE, Chassis, Line

BRAND_PC_CATEGORY = danawa_categories.BRAND_PC
AIO_CATEGORY = danawa_categories.AIO_PC
OS_LABEL = {"미포함": "운영체제 미포함", "macOS": "macOS"}


@dataclass(frozen=True)
class DesktopSpec:
    """Everything the seeder writes for one demo desktop (before prices)."""

    index: int
    pcode: str
    line: Line
    name: str
    cpu: Cpu
    gpu: Gpu
    ram_gb: int
    ssd_gb: int
    hdd_gb: int | None
    os: str
    chassis: Chassis
    price_style: int  # how the shop rounds its prices (catalog.demo.prices.round_price)

    @property
    def category_code(self) -> str:
        return self.line.category

    @property
    def spec_summary(self) -> str:
        parts = [self.cpu.label, self.gpu.label, f"{self.ram_gb}GB", f"SSD {_size(self.ssd_gb)}"]
        if self.hdd_gb:
            parts.append(f"HDD {_size(self.hdd_gb)}")
        parts += [OS_LABEL.get(self.os, self.os), self.line.form]
        return " / ".join(parts)

    @property
    def specs_raw(self) -> dict[str, str]:
        """A Danawa-style spec table (th → td)."""
        table = {
            "CPU": self.cpu.label,
            "CPU 코어 수": f"{self.cpu.cores}코어",
            "그래픽": self.gpu.label
            if not self.gpu.integrated
            else f"내장그래픽 ({self.gpu.name})",
            "메모리": f"{self.ram_gb}GB",
            "SSD": _size(self.ssd_gb),
            "운영체제": OS_LABEL.get(self.os, self.os),
            "케이스": self.line.form,
        }
        if not self.gpu.integrated:
            table["그래픽 메모리"] = f"{self.gpu.vram_gb}GB"
        if self.hdd_gb:
            table["HDD"] = _size(self.hdd_gb)
        return table

    @property
    def os_field(self) -> str:
        return "미포함" if self.os == "미포함" else self.os

    @property
    def gpu_look(self) -> str:
        """What the glass side panel shows of the graphics card: vendor and size class."""
        if self.chassis.style not in ("gaming", "cube") or self.gpu.integrated:
            return ""
        return f"{self.gpu.vendor}{min(3, self.gpu.tier // 2)}"

    @property
    def image_key(self) -> str:
        """Products with the same key share one photo (same chassis, colour, lights and card)."""
        return f"{self.line.key}|{self.line.chassis.index(self.chassis)}|{self.gpu_look}"


def _size(gb: int) -> str:
    return f"{gb // 1000}TB" if gb >= 1000 else f"{gb}GB"


def product_rng(seed: int, namespace: str, index: int) -> random.Random:
    digest = hashlib.sha256(f"{seed}|{namespace}|{index}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def compatible(c: Cpu, g: Gpu) -> bool:
    """Plausible pairing: integrated only where the CPU has it; no flagship GPU on an entry CPU."""
    if g.integrated:
        return c.igpu == g.name
    if c.vendor == "apple":
        return False
    if g.tier >= 7 and c.tier < 5:
        return False
    return c.tier - 4 <= g.tier <= c.tier + 3


def _pick_parts(line: Line, rng: random.Random) -> tuple[Cpu, Gpu]:
    cpus = [cpu(k) for k in line.cpus]
    for _ in range(20):
        c = rng.choice(cpus)
        options = [gpu(c.igpu) if key == "" else gpu(key) for key in line.gpus if key or c.igpu]
        options = [g for g in options if compatible(c, g)]
        if options:
            # gaming buyers pick GPUs near the CPU's tier most often
            weights = [1.0 / (1 + abs(g.tier - c.tier - 1)) for g in options]
            return c, rng.choices(options, weights)[0]
    raise ValueError(f"line {line.key} has no plausible CPU/GPU pair")


def _ram(line: Line, g: Gpu, rng: random.Random) -> int:
    rams = list(line.rams)
    if g.tier >= 6:  # nobody ships a 4080 with 8GB
        rams = [r for r in rams if r >= 32] or rams
    return rng.choice(rams)


def _model_name(line: Line, c: Cpu, g: Gpu, ram: int, ssd: int, chassis_no: int, rng) -> str:
    digit = {"i3": "3", "i5": "5", "i7": "7", "i9": "9"}.get(c.short[:2], "5")
    if c.vendor == "amd":
        digit = c.name.split()[2]
    gcode = g.label.replace("RTX ", "R").replace("GTX ", "G").replace("RX ", "X")
    gcode = gcode.replace(" SUPER", "S").replace(" Ti", "T").replace("인텔 Arc ", "")
    gcode = "" if g.integrated else gcode.replace(" ", "")
    white = "W" if line.chassis[chassis_no].body == WHITE else ""
    scheme = line.naming
    if scheme == "samsung":
        colour = "ABWS"[chassis_no % 4]
        return f"{line.brand} {line.series} {line.code}-A{digit}{ram // 8 % 10}{colour}"
    if scheme == "lg":
        return f"{line.brand} {line.series}-A{digit}{'K' if ram >= 16 else 'L'}{rng.randint(1, 9)}"
    if scheme == "hansung":
        prefix = "AX" if c.vendor == "amd" else "IX"
        return f"{line.brand} {line.series} {prefix}{c.short}{gcode[:4]}{white}"
    if scheme == "hansung_dx":
        return f"{line.brand} {line.series} {line.code}{digit}{gcode[1:4]}{'F' if c.short.endswith('F') else 'K'}{white}"
    if scheme == "hansung_ox":
        return f"{line.brand} {line.series} {line.code}{c.short}{ram}{white}"
    if scheme == "jooyon":
        return f"{line.brand} {line.series} {line.code}{digit}{c.short[-1] if c.short[-1].isalpha() else 'N'}{gcode[1:4]}{white}"
    if scheme == "jooyon_office":
        return f"{line.brand} {line.series} {line.code}{digit}{ram}-{rng.randint(10, 99)}"
    if scheme == "hp":
        return (
            f"{line.brand} {line.series} {line.code}-{rng.randint(0, 1)}{rng.randint(0, 199):03d}kr"
        )
    if scheme == "hp_office":
        return f"{line.brand} {line.series} {c.short}-{ram}GB-{rng.choice(['W11P', 'FD', 'W11H'])}"
    if scheme == "dell_alien":
        colour = "WH" if white else "BK"
        return f"{line.brand} {line.series} {colour}-{c.short}-{gcode}"
    if scheme == "dell":
        return f"{line.brand} {line.series} D{line.code}-{digit}{ram:02d}{rng.randint(1, 9)}"
    if scheme == "lenovo":
        return f"{line.brand} {line.series} {line.code} {c.short}{'-' + gcode if gcode else ''}"
    if scheme == "lenovo_think":
        return f"{line.brand} {line.series} {line.code}{rng.randint(0, 99):04d}KR"
    if scheme == "asus":
        return f"{line.brand} {line.series} {line.code}-{c.short}{gcode}{rng.randint(0, 9)}"
    if scheme == "msi":
        return f"{line.brand} {line.series} {line.code}-{rng.randint(200, 899)}KR"
    if scheme == "acer":
        return f"{line.brand} {line.series} {line.code}-{c.short}{'-' + gcode if gcode else ''}"
    if scheme == "apple":
        chip = c.name.split(" Core")[0].replace("Apple ", "")
        cores = c.name.split(" Core")[0].split()[-1]
        chip = chip.rsplit(" ", 1)[0] if cores.isdigit() else chip
        return f"{line.brand} {line.series} {chip} {ram}GB {ssd}GB"
    if scheme == "danawa":
        day = f"{rng.randint(23, 25)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        return f"{line.brand} {line.code} {day} {c.short} {gcode} {white and '화이트'}"
    # system integrators spell the build out in the name
    cpu_part = f"R{c.name.split()[2]} {c.short}" if c.vendor == "amd" else c.short
    gpu_part = g.label.replace(" ", "").replace("인텔", "") if not g.integrated else "내장"
    storage = f"M.2 {_size(ssd)}"
    return f"{line.brand} {line.series} {cpu_part} {gpu_part} {white and '화이트'} ({ram}GB, {storage})"


def _lines_with_weights(category: str) -> tuple[list[Line], list[float]]:
    lines = [line for line in LINES if line.category == category]
    return lines, [line.weight for line in lines]


_BRAND, _AIO = _lines_with_weights(BRAND_PC_CATEGORY), _lines_with_weights(AIO_CATEGORY)


def desktop_spec(seed: int, index: int, category: str = BRAND_PC_CATEGORY) -> DesktopSpec:
    """Demo desktop number ``index`` (0-based) of the given category."""
    namespace = "desktop" if category == BRAND_PC_CATEGORY else "aio"
    rng = product_rng(seed, namespace, index)
    lines, weights = _BRAND if category == BRAND_PC_CATEGORY else _AIO
    line = rng.choices(lines, weights)[0]
    c, g = _pick_parts(line, rng)
    ram = _ram(line, g, rng)
    ssd = rng.choice(line.ssds)
    if g.tier >= 6 and ssd < 1000:
        ssd = 1000
    hdd = rng.choice((1000, 1000, 2000)) if rng.random() < line.hdd_chance else None
    os_name = rng.choice(line.oses)
    chassis_no = rng.randrange(len(line.chassis))
    chassis = line.chassis[chassis_no]
    name = _model_name(line, c, g, ram, ssd, chassis_no, rng)
    prefix = "demo-" if category == BRAND_PC_CATEGORY else "demo-aio-"
    return DesktopSpec(
        index=index,
        pcode=f"{prefix}{index + 1:06d}",
        line=line,
        name=" ".join(name.split()),
        cpu=c,
        gpu=g,
        ram_gb=ram,
        ssd_gb=ssd,
        hdd_gb=hdd,
        os=os_name,
        chassis=chassis,
        price_style=rng.randrange(4),
    )


def aio_count(desktops: int) -> int:
    """All-in-ones (일체형PC) seeded beside ``desktops`` brand PCs."""
    return max(1, desktops // 30)
