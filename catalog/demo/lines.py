"""Brand PC product lines for the demo catalog: who makes them, which parts go in them, what
the chassis looks like and how much the brand charges over the parts.

A line is what a shopper sees as one family on Danawa ("HP 빅터스 15L", "Dell 에일리언웨어
오로라 R16"): its products share one or a few chassis photos and differ by CPU/GPU/RAM/SSD.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.danawa.categories import AIO_PC, BRAND_PC

Color = tuple[int, int, int]

BLACK: Color = (30, 31, 35)
CHARCOAL: Color = (52, 54, 60)
GRAY: Color = (118, 121, 128)
SILVER: Color = (200, 203, 208)
WHITE: Color = (238, 239, 242)
NAVY: Color = (34, 42, 68)
GOLDEN: Color = (190, 170, 130)

RAINBOW = ((255, 60, 120), (80, 140, 255), (60, 230, 200))
ICE = ((130, 200, 255), (200, 235, 255), (90, 160, 255))
INFERNO = ((255, 40, 40), (255, 120, 30), (255, 70, 90))
VIOLET = ((190, 80, 255), (255, 90, 200), (120, 90, 255))
WARM_WHITE = ((245, 245, 250), (220, 225, 240), (255, 250, 235))
CYAN = ((40, 220, 235), (90, 250, 255), (30, 180, 220))


@dataclass(frozen=True)
class Chassis:
    """How a chassis looks in its photo. ``style`` picks the drawing routine (catalog.demo.images)."""

    style: str  # tower | slim | mini | gaming | alien | cube | mac | aio
    body: Color
    accent: Color
    front: Color | None = None  # front panel colour when it differs from the body
    lights: tuple[Color, ...] = ()  # RGB fan colours of glass-panel gaming cases
    logo: str = "dot"  # dot | bar | diamond | ring | apple
    width: float = 1.0  # relative width of the front face
    height: float = 1.0  # relative height


def palettes(style: str, bodies: tuple[Color, ...], accent: Color, lights=(), **kw) -> tuple:
    """One chassis per body colour × light palette (a line's photo variants)."""
    lights = lights or ((),)
    return tuple(
        Chassis(style=style, body=b, accent=accent, lights=tuple(lt), **kw)
        for b in bodies
        for lt in lights
    )


@dataclass(frozen=True)
class Line:
    """A brand's product line; ``naming`` selects the model-code scheme in catalog.demo.generator."""

    key: str
    brand: str
    series: str
    segment: str  # office | home | gaming | creator | mac
    form: str  # Danawa form-factor text: 미들타워, 미니타워, 슬림, 미니PC, 일체형
    cpus: tuple[str, ...]
    gpus: tuple[str, ...]  # "" = the CPU's integrated graphics
    rams: tuple[int, ...]
    ssds: tuple[int, ...]
    chassis: tuple[Chassis, ...]
    premium: float = 1.0  # brand/line price multiplier over the parts
    weight: float = 1.0  # share of the catalog
    hdd_chance: float = 0.0
    oses: tuple[str, ...] = ("Windows 11 Home",)
    naming: str = "code"
    code: str = ""  # model-code stem for the naming scheme
    category: str = BRAND_PC  # Danawa 브랜드PC, or AIO_PC (일체형PC)
    extras: dict = field(default_factory=dict)


OFFICE_INTEL_12 = ("i3-12100", "i5-12400", "i5-12500", "i7-12700")
OFFICE_INTEL_13 = ("i3-13100", "i5-13400", "i5-13500", "i7-13700")
OFFICE_INTEL_14 = ("i3-14100", "i5-14400", "i7-14700")
GAMING_INTEL = ("i5-12400F", "i5-13400F", "i5-14400F", "i7-12700F", "i7-13700F", "i7-14700F")
GAMING_INTEL_K = ("i5-13600K", "i5-14600K", "i7-13700K", "i7-14700K", "i9-13900K", "i9-14900K")
GAMING_AMD = ("5600", "5600X", "5700X", "5800X3D", "7600", "7600X", "7700", "7800X3D")
GAMING_AMD_HIGH = ("7700X", "7800X3D", "7900X", "7950X", "9800X3D", "9600X")
GPU_ENTRY = ("GTX 1650", "GTX 1660 SUPER", "RTX 3050", "RX 6600", "Arc A750")
GPU_MID = (
    "RTX 3060", "RTX 4060", "RTX 4060", "RTX 4060 Ti", "RTX 5060", "RX 7600", "RX 6650 XT",
    "RTX 3060 Ti", "Arc A770",
)  # fmt: skip
GPU_HIGH = (
    "RTX 4070", "RTX 4070 SUPER", "RTX 4070 Ti", "RTX 4070 Ti SUPER", "RTX 5070", "RTX 5060 Ti",
    "RX 7700 XT", "RX 7800 XT", "RTX 3070", "RTX 3080",
)  # fmt: skip
GPU_TOP = ("RTX 4080 SUPER", "RTX 4090", "RTX 5070 Ti", "RTX 5080", "RX 9070 XT")
WIN = ("Windows 11 Home", "Windows 11 Home", "Windows 11 Pro", "미포함")
WIN_HOME = ("Windows 11 Home",)
WIN_PRO = ("Windows 11 Pro", "Windows 11 Pro", "Windows 11 Home")
SI_OS = ("미포함", "미포함", "Windows 11 Home", "Windows 11 Pro")


LINES: tuple[Line, ...] = (
    # ------------------------------------------------------------------ 삼성전자
    Line("samsung-dm500tfa", "삼성전자", "삼성 데스크탑 5", "office", "슬림",
         ("i3-13100", "i5-13400", "i5-13400", "i7-13700"), ("",), (8, 16), (256, 512),
         palettes("slim", (SILVER, BLACK), (24, 50, 160), logo="bar"), 1.10, 3.0, 0.2,
         WIN_HOME, "samsung", "DM500TFA"),
    Line("samsung-dm500tga", "삼성전자", "삼성 데스크탑 5", "office", "슬림",
         ("i3-14100", "i5-14400", "i7-14700"), ("",), (8, 16), (256, 512, 1000),
         palettes("slim", (WHITE, CHARCOAL), (24, 50, 160), logo="bar", width=1.05), 1.10, 3.0,
         0.15, WIN_HOME, "samsung", "DM500TGA"),
    Line("samsung-dm700tga", "삼성전자", "삼성 데스크탑 7", "home", "미니타워",
         ("i5-14400", "i7-14700", "i5-14400F", "i7-14700F"), ("", "RTX 3050", "RTX 4060"),
         (16, 32), (512, 1000),
         palettes("tower", (SILVER, BLACK), (24, 50, 160), logo="bar", width=1.1), 1.12, 2.0,
         0.1, WIN_HOME, "samsung", "DM700TGA"),
    # ------------------------------------------------------------------ LG전자
    Line("lg-b80gv", "LG전자", "B80GV", "office", "슬림",
         ("i5-12400", "i5-13400", "i7-12700", "i7-13700"), ("",), (8, 16), (256, 512),
         palettes("slim", (WHITE, GRAY), (165, 0, 52), logo="dot"), 1.06, 2.5, 0.1,
         WIN_PRO, "lg", "B80GV"),
    Line("lg-b70gv", "LG전자", "B70GV", "office", "미니타워",
         ("i3-12100", "i5-12400", "i5-13400"), ("",), (8, 16), (256, 512),
         palettes("tower", (BLACK,), (165, 0, 52), logo="dot", width=0.95), 1.04, 2.0, 0.25,
         WIN, "lg", "B70GV"),
    Line("lg-27v70q", "LG전자", "일체형PC 27V70Q", "home", "일체형",
         ("i5-1340P", "i7-1360P"), ("",), (8, 16), (256, 512),
         palettes("aio", (WHITE, BLACK), (165, 0, 52), logo="dot"), 1.15, 1.0, 0.0,
         WIN_HOME, "lg", "27V70Q", category=AIO_PC),
    # ------------------------------------------------------------------ 한성컴퓨터
    Line("hansung-tfg", "한성컴퓨터", "TFG", "gaming", "미들타워",
         GAMING_AMD + ("i5-13400F", "i5-14400F"), GPU_ENTRY + GPU_MID + GPU_HIGH, (16, 32),
         (500, 1000),
         palettes("gaming", (BLACK, WHITE), (230, 30, 60), (RAINBOW, ICE, VIOLET)), 0.93, 5.0,
         0.05, SI_OS, "hansung", "TFG"),
    Line("hansung-bossmonster", "한성컴퓨터", "보스몬스터", "gaming", "미들타워",
         GAMING_INTEL + GAMING_INTEL_K, GPU_MID + GPU_HIGH + GPU_TOP, (16, 32, 64), (500, 1000),
         palettes("gaming", (BLACK,), (230, 30, 60), (INFERNO, RAINBOW), width=1.1), 0.95, 4.0,
         0.05, SI_OS, "hansung_dx", "DX"),
    Line("hansung-office", "한성컴퓨터", "오피스", "office", "미니타워",
         ("i3-12100", "i5-12400", "i5-13400", "5600G"), ("",), (8, 16), (256, 500),
         palettes("tower", (BLACK, WHITE), (230, 30, 60), logo="diamond", width=0.9), 0.92, 2.0,
         0.2, SI_OS, "hansung_ox", "OX"),
    # ------------------------------------------------------------------ 주연테크
    Line("jooyon-lionine", "주연테크", "리오나인", "gaming", "미들타워",
         GAMING_INTEL + GAMING_AMD, GPU_ENTRY + GPU_MID + GPU_HIGH, (16, 32), (500, 1000),
         palettes("gaming", (BLACK, WHITE), (255, 120, 0), (CYAN, RAINBOW, WARM_WHITE)), 0.92,
         4.5, 0.05, SI_OS, "jooyon", "L"),
    Line("jooyon-office", "주연테크", "J-Pro", "office", "슬림",
         ("i3-12100", "i5-12400", "i5-13400", "i3-13100"), ("",), (8, 16), (256, 500),
         palettes("slim", (BLACK,), (255, 120, 0), logo="diamond", width=0.9), 0.91, 2.0, 0.15,
         WIN, "jooyon_office", "J"),
    # ------------------------------------------------------------------ HP
    Line("hp-victus15l", "HP", "빅터스 15L", "gaming", "미니타워",
         ("i5-13400F", "i5-14400F", "i7-13700F", "i7-14700F", "7600", "7700"),
         ("GTX 1660 SUPER", "RTX 3050", "RTX 4060", "RTX 4060 Ti", "RTX 3060", "RX 7600"),
         (16, 32), (512, 1000),
         palettes("gaming", (BLACK,), (60, 130, 255), (ICE,), logo="bar", width=0.95), 1.03,
         3.0, 0.0, WIN_HOME, "hp", "TG02"),
    Line("hp-omen25l", "HP", "오멘 25L", "gaming", "미들타워",
         ("i7-13700F", "i7-14700F", "i5-14600K", "7700X", "7800X3D"), GPU_HIGH + ("RTX 4060 Ti",),
         (16, 32), (1000,),
         palettes("gaming", (BLACK,), (220, 30, 40), (INFERNO, RAINBOW), logo="diamond"), 1.06,
         2.0, 0.0, WIN_HOME, "hp", "GT15"),
    Line("hp-omen35l", "HP", "오멘 35L", "gaming", "미들타워",
         ("i7-14700K", "i9-14900K", "i9-13900K", "7800X3D", "7950X"), GPU_TOP + ("RTX 4070 Ti",),
         (32, 64), (1000, 2000),
         palettes("gaming", (BLACK,), (220, 30, 40), (INFERNO, WARM_WHITE), logo="diamond",
                  width=1.1, height=1.05), 1.08, 1.5, 0.0, WIN_HOME, "hp", "GT16"),
    Line("hp-prodesk400", "HP", "프로데스크 400 G9 SFF", "office", "슬림",
         ("i3-12100", "i5-12500", "i7-12700"), ("",), (8, 16), (256, 512),
         palettes("slim", (CHARCOAL,), (0, 150, 214), logo="ring", width=1.3, height=0.8), 1.05,
         2.5, 0.0, WIN_PRO, "hp_office", "G9"),
    Line("hp-pavilion", "HP", "파빌리온 데스크탑", "home", "미니타워",
         ("i5-13400", "i7-13700", "i5-14400", "7600"), ("", "GTX 1650", "RTX 3050"), (16,),
         (512, 1000),
         palettes("tower", (SILVER, WHITE), (0, 150, 214), logo="ring"), 1.04, 2.0, 0.1,
         WIN_HOME, "hp", "TP01"),
    Line("hp-aio24", "HP", "올인원 24", "home", "일체형",
         ("i5-1340P", "i7-1360P"), ("",), (8, 16), (512,),
         palettes("aio", (WHITE,), (0, 150, 214), logo="ring", width=0.95), 1.08, 0.8, 0.0,
         WIN_HOME, "hp", "24-CR0", category=AIO_PC),
    # ------------------------------------------------------------------ Dell
    Line("dell-aurora-r16", "Dell", "에일리언웨어 오로라 R16", "gaming", "미들타워",
         ("i7-14700F", "i7-14700K", "i9-14900K", "i7-13700F", "i9-13900K"),
         GPU_HIGH[:5] + GPU_TOP[:2], (16, 32, 64), (1000, 2000),
         palettes("alien", (WHITE, BLACK), (60, 210, 230), logo="ring"), 1.20, 2.5, 0.0,
         WIN_HOME, "dell_alien", "R16"),
    Line("dell-inspiron3030", "Dell", "인스피론 3030 MT", "home", "미니타워",
         ("i3-14100", "i5-14400", "i7-14700", "i5-13400"), ("", "", "RTX 3050"), (8, 16),
         (512, 1000),
         palettes("tower", (BLACK,), (70, 130, 200), logo="ring", width=0.9), 1.05, 2.5, 0.2,
         WIN, "dell", "3030"),
    Line("dell-optiplex7010", "Dell", "옵티플렉스 7010 SFF", "office", "슬림",
         ("i3-13100", "i5-13500", "i7-13700"), ("",), (8, 16, 32), (256, 512),
         palettes("slim", (BLACK,), (70, 130, 200), logo="ring", width=1.3, height=0.85), 1.07,
         2.0, 0.0, WIN_PRO, "dell", "7010"),
    Line("dell-xps8960", "Dell", "XPS 8960", "creator", "미들타워",
         ("i7-13700", "i7-14700", "i9-13900K", "i9-14900K"),
         ("RTX 4060 Ti", "RTX 4070", "RTX 4070 SUPER", "RTX 4080 SUPER"), (32, 64), (1000, 2000),
         palettes("tower", (SILVER, BLACK), (70, 130, 200), logo="ring", width=1.05,
                  height=1.1), 1.10, 1.5, 0.2, WIN_HOME, "dell", "8960"),
    # ------------------------------------------------------------------ Lenovo
    Line("lenovo-legion-t5", "Lenovo", "리전 T5", "gaming", "미들타워",
         ("i5-13400F", "i5-14400F", "i7-13700F", "i7-14700F", "7600", "7700"),
         GPU_MID + ("RTX 4070", "RTX 4070 SUPER"), (16, 32), (512, 1000),
         palettes("gaming", (CHARCOAL,), (80, 150, 255), (ICE, WARM_WHITE), logo="bar"), 1.04,
         3.0, 0.0, WIN_HOME, "lenovo", "26IRB8"),
    Line("lenovo-legion-tower7i", "Lenovo", "리전 타워 7i", "gaming", "미들타워",
         ("i7-14700K", "i9-14900K", "i9-13900K"), GPU_TOP[:2] + ("RTX 4070 Ti SUPER",),
         (32, 64), (1000, 2000),
         palettes("gaming", (CHARCOAL,), (80, 150, 255), (ICE,), logo="bar", width=1.1,
                  height=1.08), 1.10, 1.0, 0.0, WIN_HOME, "lenovo", "34IRZ8"),
    Line("lenovo-thinkcentre-neo50t", "Lenovo", "씽크센터 neo 50t Gen4", "office", "미니타워",
         ("i3-13100", "i5-13400", "i5-13500", "i7-13700"), ("",), (8, 16), (256, 512),
         palettes("tower", (BLACK,), (220, 20, 40), logo="dot", width=0.85), 1.00, 3.0, 0.2,
         WIN_PRO, "lenovo_think", "12JB"),
    Line("lenovo-thinkcentre-m70q", "Lenovo", "씽크센터 M70q Gen4", "office", "미니PC",
         ("i3-13100", "i5-13400", "i5-13500"), ("",), (8, 16), (256, 512),
         palettes("mini", (BLACK,), (220, 20, 40), logo="dot", width=0.9), 1.02, 2.0, 0.0,
         WIN_PRO, "lenovo_think", "12E3"),
    Line("lenovo-ideacentre5", "Lenovo", "아이디어센터 5", "home", "미니타워",
         ("i5-13400", "i7-13700", "i5-14400"), ("", "GTX 1650"), (16,), (512, 1000),
         palettes("tower", (GRAY, WHITE), (80, 150, 255), logo="bar"), 1.00, 2.0, 0.1,
         WIN_HOME, "lenovo", "14IRB8"),
    Line("lenovo-aio3", "Lenovo", "아이디어센터 AIO 3", "home", "일체형",
         ("i5-1340P",), ("",), (8, 16), (512,),
         palettes("aio", (BLACK, WHITE), (80, 150, 255), logo="bar"), 1.02, 0.7, 0.0,
         WIN_HOME, "lenovo", "27IAP7", category=AIO_PC),
    # ------------------------------------------------------------------ ASUS
    Line("asus-rog-g16ch", "ASUS", "ROG Strix G16CH", "gaming", "미들타워",
         ("i7-13700F", "i7-14700F", "i7-14700K", "i9-14900K", "i9-13900K"),
         GPU_HIGH[:5] + GPU_TOP[:2], (32, 64), (1000, 2000),
         palettes("gaming", (BLACK,), (230, 20, 80), (VIOLET, INFERNO, RAINBOW), logo="diamond",
                  width=1.05), 1.16, 2.5, 0.0, WIN_HOME, "asus", "G16CH"),
    Line("asus-rog-g13ch", "ASUS", "ROG Strix G13CH", "gaming", "미니타워",
         ("i5-13400F", "i5-14400F", "i7-13700F", "i7-14700F"),
         ("RTX 3060", "RTX 4060", "RTX 4060 Ti", "RTX 4070"), (16, 32), (512, 1000),
         palettes("gaming", (BLACK,), (230, 20, 80), (VIOLET,), logo="diamond", width=0.9),
         1.12, 2.0, 0.0, WIN_HOME, "asus", "G13CH"),
    Line("asus-tuf-t500", "ASUS", "TUF Gaming T500", "gaming", "미들타워",
         ("i5-13400F", "i5-14400F", "i7-14700F", "7600", "7700"), GPU_MID + GPU_HIGH[:3],
         (16, 32), (512, 1000),
         palettes("gaming", (CHARCOAL,), (255, 170, 0), (RAINBOW,), logo="bar"), 1.03, 2.0, 0.0,
         WIN, "asus", "TM500"),
    Line("asus-expertcenter-d5", "ASUS", "ExpertCenter D5 SFF", "office", "슬림",
         ("i3-13100", "i5-13400", "i7-13700", "i5-14400"), ("",), (8, 16), (256, 512),
         palettes("slim", (BLACK, SILVER), (0, 90, 180), logo="bar", width=0.95), 1.02, 2.0, 0.1,
         WIN_PRO, "asus", "D500SE"),
    Line("asus-pn", "ASUS", "ExpertCenter PN43 미니PC", "office", "미니PC",
         ("5 7520U",), ("",), (8, 16), (256, 512),
         palettes("mini", (BLACK, SILVER), (0, 90, 180), logo="bar", width=0.75), 1.00, 1.2,
         0.0, ("미포함", "Windows 11 Pro"), "asus", "PN43"),
    # ------------------------------------------------------------------ MSI
    Line("msi-infinite-s3", "MSI", "MAG Infinite S3", "gaming", "미니타워",
         ("i5-14400F", "i7-14700F", "i5-13400F", "i7-13700F"),
         ("RTX 3050", "RTX 4060", "RTX 4060 Ti", "RTX 4070", "RTX 4070 SUPER"), (16, 32),
         (512, 1000),
         palettes("gaming", (BLACK,), (220, 0, 20), (INFERNO, RAINBOW), logo="diamond",
                  width=0.9), 1.03, 2.5, 0.0, WIN_HOME, "msi", "14NUC5"),
    Line("msi-trident-as", "MSI", "MPG Trident AS", "gaming", "슬림",
         ("i7-14700F", "i9-14900K", "i7-14700K"), ("RTX 4070 SUPER", "RTX 4070 Ti SUPER",
                                                   "RTX 4080 SUPER"),
         (32,), (1000, 2000),
         palettes("cube", (BLACK, WHITE), (220, 0, 20), (INFERNO,), logo="diamond", width=0.7,
                  height=0.95), 1.12, 1.2, 0.0, WIN_HOME, "msi", "14NUE7"),
    Line("msi-codex-r2", "MSI", "Codex R2", "gaming", "미들타워",
         ("i5-14400F", "i7-14700F", "7600", "7700"), GPU_MID[:5] + GPU_HIGH[:2], (16, 32),
         (1000,),
         palettes("gaming", (BLACK,), (220, 0, 20), (RAINBOW, CYAN), logo="diamond"), 1.00, 2.0,
         0.0, WIN, "msi", "B14NUC7"),
    Line("msi-pro-dp21", "MSI", "PRO DP21 13M", "office", "미니PC",
         ("i3-13100", "i5-13400", "i7-13700"), ("",), (8, 16), (256, 512),
         palettes("mini", (BLACK,), (220, 0, 20), logo="diamond", width=0.95), 0.98, 1.5, 0.0,
         ("미포함", "Windows 11 Pro", "Windows 11 Home"), "msi", "DP21"),
    # ------------------------------------------------------------------ 에이서
    Line("acer-aspire-tc", "에이서", "아스파이어 TC-1780", "home", "미니타워",
         ("i3-13100", "i5-13400", "i7-13700", "i5-13400F"), ("", "GTX 1650", "RTX 3050"),
         (8, 16), (512,),
         palettes("tower", (BLACK,), (130, 190, 30), logo="bar", width=0.9), 0.97, 2.5, 0.2,
         WIN, "acer", "TC-1780"),
    Line("acer-predator-orion3000", "에이서", "프레데터 오리온 3000", "gaming", "미들타워",
         ("i5-13400F", "i7-13700F", "i7-14700F"), GPU_MID + GPU_HIGH[:3], (16, 32), (512, 1000),
         palettes("gaming", (BLACK,), (20, 200, 220), (CYAN,), logo="diamond", width=0.85),
         1.02, 2.0, 0.0, WIN_HOME, "acer", "PO3-655"),
    Line("acer-nitro-n50", "에이서", "니트로 N50", "gaming", "미니타워",
         ("i5-13400F", "i5-14400F", "5600", "5700X"), GPU_ENTRY + ("RTX 4060", "RTX 3060"),
         (16,), (512,),
         palettes("gaming", (BLACK,), (230, 30, 30), (INFERNO,), logo="diamond", width=0.85),
         0.96, 2.0, 0.0, WIN, "acer", "N50-656"),
    # ------------------------------------------------------------------ Apple
    Line("apple-macmini-m2", "Apple", "2023 맥 미니", "mac", "미니PC",
         ("Apple M2 8 Core 3500 MHz", "Apple M2 Pro 10 Core 3480 MHz"), ("",), (8, 16),
         (256, 512), palettes("mac", (SILVER,), (40, 40, 45), logo="apple"), 1.0, 0.8, 0.0,
         ("macOS",), "apple", "MMFJ3KH/A"),
    Line("apple-macmini-m4", "Apple", "2024 맥 미니", "mac", "미니PC",
         ("Apple M4 10 Core 4400 MHz",), ("",), (16, 24, 32), (256, 512, 1000),
         palettes("mac", (SILVER,), (40, 40, 45), logo="apple", width=0.8), 1.0, 0.8, 0.0,
         ("macOS",), "apple", "MU9D3KH/A"),
    Line("apple-imac-m3", "Apple", "2023 아이맥 24", "mac", "일체형",
         ("Apple M3 8 Core 4050 MHz",), ("",), (8, 16, 24), (256, 512),
         palettes("aio", ((110, 160, 210), (220, 120, 140), (130, 190, 150), SILVER),
                  (40, 40, 45), logo="apple"), 1.0, 0.8, 0.0, ("macOS",), "apple", "MQRC3KH/A",
         category=AIO_PC),
    # ------------------------------------------------------------------ system integrators
    Line("foryou-gaming", "포유컴퓨터", "게이밍", "gaming", "미들타워",
         GAMING_AMD + GAMING_INTEL, GPU_ENTRY + GPU_MID + GPU_HIGH, (16, 32), (500, 1000),
         palettes("gaming", (BLACK, WHITE), (255, 200, 0), (RAINBOW, WARM_WHITE, VIOLET),
                  width=1.05), 0.90, 4.0, 0.05, SI_OS, "si", ""),
    Line("icoda-urban", "아이코다", "어반 가디언", "gaming", "미들타워",
         GAMING_AMD + GAMING_INTEL + GAMING_AMD_HIGH, GPU_MID + GPU_HIGH + GPU_TOP, (16, 32, 64),
         (500, 1000, 2000),
         palettes("gaming", (WHITE, BLACK), (120, 200, 255), (ICE, RAINBOW, VIOLET),
                  width=1.1), 0.91, 4.0, 0.0, SI_OS, "si", ""),
    Line("dlg-storm", "디엘지", "스톰", "gaming", "미들타워",
         GAMING_AMD + GAMING_INTEL, GPU_ENTRY + GPU_MID, (16, 32), (500, 1000),
         palettes("gaming", (BLACK,), (0, 220, 120), (CYAN, RAINBOW)), 0.90, 2.5, 0.1, SI_OS,
         "si", ""),
    Line("danawa-standard", "다나와 표준PC", "게임용", "gaming", "미들타워",
         GAMING_AMD + GAMING_INTEL + GAMING_INTEL_K, GPU_MID + GPU_HIGH + GPU_TOP, (16, 32),
         (500, 1000),
         palettes("gaming", (BLACK, WHITE), (0, 110, 230), (WARM_WHITE, ICE, RAINBOW),
                  width=1.05), 0.94, 3.0, 0.0, SI_OS, "danawa", "게임용"),
    Line("danawa-office", "다나와 표준PC", "사무용", "office", "미니타워",
         ("i3-12100", "i5-12400", "i5-13400", "5600G", "i5-14400"), ("",), (8, 16), (250, 500),
         palettes("tower", (BLACK, WHITE), (0, 110, 230), logo="bar", width=0.85), 0.92, 2.5,
         0.1, SI_OS, "danawa", "사무용"),
)  # fmt: skip

LINES_BY_KEY = {line.key: line for line in LINES}
