"""The parts the demo catalog is built from: real CPU and GPU models with APPROXIMATE PassMark
scores (CPU Mark and single-thread rating; G3D Mark) and a rough Korean street price.

The scores are close to PassMark's published figures but are not a copy of them: they are
labelled approximate wherever they are shown, and a real PassMark import (catalog importers)
always wins over them — the seeder only creates benchmark rows that do not exist yet.

``price`` is what the part adds to a brand PC's price in KRW (not the retail box price);
``tier`` (0 = entry … 8 = flagship) keeps combinations plausible: no i3 with an RTX 4090.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.specs import is_integrated_gpu


@dataclass(frozen=True)
class Cpu:
    name: str  # PassMark-style canonical name, e.g. "Intel Core i5-12400F"
    label: str  # Danawa spec-list text, e.g. "인텔 코어i5-12세대 12400F"
    vendor: str  # "intel" | "amd" | "apple"
    mark: int  # approximate CPU Mark
    single: int  # approximate single-thread rating
    cores: int
    tdp: float
    socket: str
    year: int
    price: int
    tier: int
    igpu: str = ""  # GPU table name of the integrated graphics, "" when it has none
    family: str = ""  # price-move family, e.g. "intel14"

    @property
    def short(self) -> str:
        """The model number alone ("12400F", "5600X", "M2")."""
        return self.name.split("-")[-1] if "-" in self.name else self.name.split()[-1]


@dataclass(frozen=True)
class Gpu:
    name: str  # PassMark-style canonical name, e.g. "GeForce RTX 4060"
    label: str  # Danawa spec-list text, e.g. "RTX 4060"
    vendor: str  # "nvidia" | "amd" | "intel" | "apple"
    mark: int  # approximate G3D Mark
    vram_gb: int  # 0 for integrated graphics (shared memory)
    tdp: float
    year: int
    price: int
    tier: int
    family: str  # price-move family: "igpu", "rtx40", "rx7000", ...

    @property
    def integrated(self) -> bool:
        return is_integrated_gpu(self.name)


def _intel(
    model: str, gen_label: str, mark: int, single: int, cores: int, tdp: float,
    year: int, price: int, tier: int, igpu: str = "", socket: str = "FCLGA1700",
) -> Cpu:  # fmt: skip
    family = "intel" + (model.split("-")[1][:2] if "-" in model else "ultra")
    return Cpu(
        name=f"Intel Core {model}",
        label=f"인텔 {gen_label}",
        vendor="intel",
        mark=mark,
        single=single,
        cores=cores,
        tdp=tdp,
        socket=socket,
        year=year,
        price=price,
        tier=tier,
        igpu=igpu,
        family=family,
    )


def _amd(
    model: str, gen_label: str, mark: int, single: int, cores: int, tdp: float,
    year: int, price: int, tier: int, igpu: str = "", socket: str = "AM5",
) -> Cpu:  # fmt: skip
    return Cpu(
        name=f"AMD Ryzen {model}",
        label=f"AMD {gen_label}",
        vendor="amd",
        mark=mark,
        single=single,
        cores=cores,
        tdp=tdp,
        socket=socket,
        year=year,
        price=price,
        tier=tier,
        igpu=igpu,
        family="ryzen" + model.split()[-1][0],
    )


UHD730, UHD770, VEGA7, R610M, IRISXE = (
    "Intel UHD 730",
    "Intel UHD 770",
    "Radeon Vega 7",
    "Radeon 610M",
    "Intel Iris Xe G7 96EU",
)

# fmt: off
CPUS: list[Cpu] = [
    _intel("i3-12100", "코어i3-12세대 12100", 14500, 3550, 4, 60, 2022, 150_000, 1, UHD730),
    _intel("i3-13100", "코어i3-13세대 13100", 15300, 3700, 4, 60, 2023, 170_000, 1, UHD730),
    _intel("i3-14100", "코어i3-14세대 14100", 15900, 3800, 4, 60, 2024, 180_000, 1, UHD730),
    _intel("i5-12400", "코어i5-12세대 12400", 19500, 3530, 6, 65, 2022, 200_000, 2, UHD730),
    _intel("i5-12400F", "코어i5-12세대 12400F", 19650, 3560, 6, 65, 2022, 160_000, 2),
    _intel("i5-12500", "코어i5-12세대 12500", 20300, 3760, 6, 65, 2022, 230_000, 2, UHD770),
    _intel("i5-13400", "코어i5-13세대 13400", 25000, 3750, 10, 65, 2023, 280_000, 3, UHD730),
    _intel("i5-13400F", "코어i5-13세대 13400F", 25300, 3740, 10, 65, 2023, 230_000, 3),
    _intel("i5-13500", "코어i5-13세대 13500", 31500, 3900, 14, 65, 2023, 330_000, 3, UHD770),
    _intel("i5-14400", "코어i5-14세대 14400", 25800, 3850, 10, 65, 2024, 300_000, 3, UHD730),
    _intel("i5-14400F", "코어i5-14세대 14400F", 25600, 3830, 10, 65, 2024, 250_000, 3),
    _intel("i5-13600K", "코어i5-13세대 13600K", 38000, 4300, 14, 125, 2022, 400_000, 4, UHD770),
    _intel("i5-14600K", "코어i5-14세대 14600K", 39500, 4400, 14, 125, 2023, 420_000, 4, UHD770),
    _intel("i7-12700", "코어i7-12세대 12700", 31650, 3950, 12, 65, 2022, 380_000, 4, UHD770),
    _intel("i7-12700F", "코어i7-12세대 12700F", 32250, 3990, 12, 65, 2022, 340_000, 4),
    _intel("i7-12700K", "코어i7-12세대 12700K", 34100, 4050, 12, 125, 2021, 420_000, 4, UHD770),
    _intel("i7-13700", "코어i7-13세대 13700", 38500, 4200, 16, 65, 2023, 480_000, 5, UHD770),
    _intel("i7-13700F", "코어i7-13세대 13700F", 38100, 4200, 16, 65, 2023, 440_000, 5),
    _intel("i7-13700K", "코어i7-13세대 13700K", 46500, 4450, 16, 125, 2022, 540_000, 5, UHD770),
    _intel("i7-14700", "코어i7-14세대 14700", 43000, 4300, 20, 65, 2024, 520_000, 5, UHD770),
    _intel("i7-14700F", "코어i7-14세대 14700F", 43500, 4350, 20, 65, 2024, 480_000, 5),
    _intel("i7-14700K", "코어i7-14세대 14700K", 53500, 4500, 20, 125, 2023, 580_000, 6, UHD770),
    _intel("i9-12900K", "코어i9-12세대 12900K", 41000, 4200, 16, 125, 2021, 520_000, 5, UHD770),
    _intel("i9-13900K", "코어i9-13세대 13900K", 59500, 4650, 24, 125, 2022, 750_000, 6, UHD770),
    _intel("i9-14900K", "코어i9-14세대 14900K", 61000, 4800, 24, 125, 2023, 800_000, 7, UHD770),
    _intel("Ultra 5 225F", "코어 울트라5 시리즈2 225F", 35000, 4350, 10, 65, 2025, 300_000, 4,
           socket="FCLGA1851"),
    _intel("Ultra 7 265KF", "코어 울트라7 시리즈2 265KF", 58500, 4850, 20, 125, 2024, 550_000, 6,
           socket="FCLGA1851"),
    _intel("Ultra 9 285K", "코어 울트라9 시리즈2 285K", 67000, 5050, 24, 125, 2024, 850_000, 7,
           socket="FCLGA1851"),
    # mobile parts in all-in-ones
    _intel("i5-1340P", "코어i5-13세대 1340P", 18500, 3400, 12, 28, 2023, 180_000, 2, IRISXE,
           socket="FCBGA1744"),
    _intel("i7-1360P", "코어i7-13세대 1360P", 20500, 3550, 12, 28, 2023, 260_000, 3, IRISXE,
           socket="FCBGA1744"),
    _amd("5 5600", "라이젠5-4세대 5600", 21350, 3200, 6, 65, 2022, 140_000, 2, socket="AM4"),
    _amd("5 5600X", "라이젠5-4세대 5600X", 22050, 3370, 6, 65, 2020, 170_000, 2, socket="AM4"),
    _amd("5 5600G", "라이젠5-4세대 5600G", 19800, 3190, 6, 65, 2021, 160_000, 2, VEGA7, "AM4"),
    _amd("7 5700X", "라이젠7-4세대 5700X", 26800, 3390, 8, 65, 2022, 200_000, 3, socket="AM4"),
    _amd("7 5800X3D", "라이젠7-4세대 5800X3D", 28200, 3250, 8, 105, 2022, 380_000, 4,
         socket="AM4"),
    _amd("5 7600", "라이젠5-5세대 7600", 27000, 3980, 6, 65, 2023, 250_000, 3),
    _amd("5 7600X", "라이젠5-5세대 7600X", 28600, 4180, 6, 105, 2022, 280_000, 3),
    _amd("7 7700", "라이젠7-5세대 7700", 34500, 4100, 8, 65, 2023, 340_000, 4),
    _amd("7 7700X", "라이젠7-5세대 7700X", 36100, 4220, 8, 105, 2022, 360_000, 4),
    _amd("7 7800X3D", "라이젠7-5세대 7800X3D", 34400, 3750, 8, 120, 2023, 550_000, 6),
    _amd("9 7900X", "라이젠9-5세대 7900X", 51500, 4250, 12, 170, 2022, 520_000, 6),
    _amd("9 7950X", "라이젠9-5세대 7950X", 63000, 4300, 16, 170, 2022, 750_000, 7),
    _amd("5 9600X", "라이젠5-6세대 9600X", 30000, 4600, 6, 65, 2024, 330_000, 4),
    _amd("7 9800X3D", "라이젠7-6세대 9800X3D", 40500, 4450, 8, 120, 2024, 680_000, 7),
    _amd("5 7520U", "라이젠5 7520U", 9600, 2650, 4, 15, 2022, 90_000, 0, R610M, "FP6"),
    Cpu("Apple M2 8 Core 3500 MHz", "애플 M2 8코어", "apple", 15100, 4000, 8, 20, "Apple",
        2023, 0, 2, "Apple M2", "apple"),
    Cpu("Apple M2 Pro 10 Core 3480 MHz", "애플 M2 Pro 10코어", "apple", 25000, 4050, 10, 30,
        "Apple", 2023, 0, 4, "Apple M2 Pro", "apple"),
    Cpu("Apple M3 8 Core 4050 MHz", "애플 M3 8코어", "apple", 19000, 4700, 8, 22, "Apple",
        2023, 0, 3, "Apple M3", "apple"),
    Cpu("Apple M4 10 Core 4400 MHz", "애플 M4 10코어", "apple", 25500, 4900, 10, 22, "Apple",
        2024, 0, 4, "Apple M4", "apple"),
]

GPUS: list[Gpu] = [
    Gpu("Intel UHD 730", "내장그래픽", "intel", 1550, 0, 15, 2021, 0, 0, "igpu"),
    Gpu("Intel UHD 770", "내장그래픽", "intel", 2600, 0, 15, 2021, 0, 0, "igpu"),
    Gpu("Intel Iris Xe G7 96EU", "내장그래픽", "intel", 2900, 0, 15, 2021, 0, 0, "igpu"),
    Gpu("Radeon Vega 7", "내장그래픽", "amd", 1850, 0, 15, 2021, 0, 0, "igpu"),
    Gpu("Radeon 610M", "내장그래픽", "amd", 1150, 0, 10, 2022, 0, 0, "igpu"),
    Gpu("Apple M2", "내장그래픽", "apple", 6500, 0, 10, 2022, 0, 0, "apple"),
    Gpu("Apple M2 Pro", "내장그래픽", "apple", 10500, 0, 20, 2023, 0, 0, "apple"),
    Gpu("Apple M3", "내장그래픽", "apple", 7500, 0, 10, 2023, 0, 0, "apple"),
    Gpu("Apple M4", "내장그래픽", "apple", 8800, 0, 10, 2024, 0, 0, "apple"),
    Gpu("GeForce GTX 1650", "GTX 1650", "nvidia", 7800, 4, 75, 2019, 200_000, 1, "gtx16"),
    Gpu("GeForce GTX 1660 SUPER", "GTX 1660 SUPER", "nvidia", 12700, 6, 125, 2019, 250_000, 2,
        "gtx16"),
    Gpu("GeForce RTX 3050", "RTX 3050", "nvidia", 12700, 8, 130, 2022, 270_000, 2, "rtx30"),
    Gpu("GeForce RTX 3060", "RTX 3060", "nvidia", 17000, 12, 170, 2021, 370_000, 3, "rtx30"),
    Gpu("GeForce RTX 3060 Ti", "RTX 3060 Ti", "nvidia", 20200, 8, 200, 2020, 450_000, 4,
        "rtx30"),
    Gpu("GeForce RTX 3070", "RTX 3070", "nvidia", 22100, 8, 220, 2020, 550_000, 4, "rtx30"),
    Gpu("GeForce RTX 3080", "RTX 3080", "nvidia", 24900, 10, 320, 2020, 800_000, 5, "rtx30"),
    Gpu("GeForce RTX 4060", "RTX 4060", "nvidia", 19700, 8, 115, 2023, 400_000, 3, "rtx40"),
    Gpu("GeForce RTX 4060 Ti", "RTX 4060 Ti", "nvidia", 22500, 8, 160, 2023, 520_000, 4, "rtx40"),
    Gpu("GeForce RTX 4070", "RTX 4070", "nvidia", 26900, 12, 200, 2023, 800_000, 5, "rtx40"),
    Gpu("GeForce RTX 4070 SUPER", "RTX 4070 SUPER", "nvidia", 30200, 12, 220, 2024, 880_000, 5,
        "rtx40"),
    Gpu("GeForce RTX 4070 Ti", "RTX 4070 Ti", "nvidia", 31500, 12, 285, 2023, 1_050_000, 6,
        "rtx40"),
    Gpu("GeForce RTX 4070 Ti SUPER", "RTX 4070 Ti SUPER", "nvidia", 32200, 16, 285, 2024,
        1_150_000, 6, "rtx40"),
    Gpu("GeForce RTX 4080 SUPER", "RTX 4080 SUPER", "nvidia", 34800, 16, 320, 2024, 1_450_000, 7,
        "rtx40"),
    Gpu("GeForce RTX 4090", "RTX 4090", "nvidia", 38600, 24, 450, 2022, 2_900_000, 8, "rtx40"),
    Gpu("GeForce RTX 5060", "RTX 5060", "nvidia", 21500, 8, 145, 2025, 450_000, 3, "rtx50"),
    Gpu("GeForce RTX 5060 Ti", "RTX 5060 Ti", "nvidia", 24500, 16, 180, 2025, 650_000, 4, "rtx50"),
    Gpu("GeForce RTX 5070", "RTX 5070", "nvidia", 28500, 12, 250, 2025, 850_000, 5, "rtx50"),
    Gpu("GeForce RTX 5070 Ti", "RTX 5070 Ti", "nvidia", 33000, 16, 300, 2025, 1_250_000, 6,
        "rtx50"),
    Gpu("GeForce RTX 5080", "RTX 5080", "nvidia", 36500, 16, 360, 2025, 1_750_000, 7, "rtx50"),
    Gpu("Radeon RX 6600", "RX 6600", "amd", 13900, 8, 132, 2021, 270_000, 2, "rx6000"),
    Gpu("Radeon RX 6650 XT", "RX 6650 XT", "amd", 16000, 8, 180, 2022, 330_000, 3, "rx6000"),
    Gpu("Radeon RX 7600", "RX 7600", "amd", 16600, 8, 165, 2023, 350_000, 3, "rx7000"),
    Gpu("Radeon RX 7700 XT", "RX 7700 XT", "amd", 22700, 12, 245, 2023, 600_000, 4, "rx7000"),
    Gpu("Radeon RX 7800 XT", "RX 7800 XT", "amd", 24100, 16, 263, 2023, 700_000, 5, "rx7000"),
    Gpu("Radeon RX 9070 XT", "RX 9070 XT", "amd", 30500, 16, 304, 2025, 1_000_000, 6, "rx9000"),
    Gpu("Intel Arc A750", "인텔 Arc A750", "intel", 13600, 8, 225, 2022, 270_000, 2, "arc"),
    Gpu("Intel Arc A770", "인텔 Arc A770", "intel", 14700, 16, 225, 2022, 370_000, 3, "arc"),
]
# fmt: on

CPU_BY_NAME: dict[str, Cpu] = {c.name: c for c in CPUS}
GPU_BY_NAME: dict[str, Gpu] = {g.name: g for g in GPUS}


def cpu(key: str) -> Cpu:
    """A CPU by its canonical name or a unique tail of it ("i5-13400F", "7800X3D", "M2")."""
    if key in CPU_BY_NAME:
        return CPU_BY_NAME[key]
    hits = [c for c in CPUS if c.name.endswith(" " + key) or c.name.endswith("-" + key)]
    if not hits:
        hits = [c for c in CPUS if f" {key} " in f" {c.name} "]
    if len(hits) != 1:
        raise KeyError(f"no unique CPU for {key!r}: {[h.name for h in hits]}")
    return hits[0]


def gpu(key: str) -> Gpu:
    """A GPU by its canonical name or its Danawa label ("RTX 4060", "RX 7600", "Arc A750")."""
    if key in GPU_BY_NAME:
        return GPU_BY_NAME[key]
    hits = [g for g in GPUS if g.name.endswith(" " + key)]
    if len(hits) != 1:
        raise KeyError(f"no unique GPU for {key!r}: {[h.name for h in hits]}")
    return hits[0]
