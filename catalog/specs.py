"""Spec parsing: Korean and English product names and spec summaries to structured specs.

``parse_specs(name, summary, table, kind)`` reads a Danawa product name, its list-page spec
summary (items separated by `` / ``) and its detail-page spec table (``th`` -> ``td``) and returns
a :class:`ParsedSpecs`.

Conventions (shared by every caller, so that matching and filtering agree):

* CPU and GPU models are canonical English names in PassMark's spelling without clocks:
  ``Intel Core i5-12400F``, ``AMD Ryzen 5 5600X``, ``Apple M1 Pro``, ``GeForce RTX 3060 Ti``,
  ``Radeon RX 6700 XT``, ``Intel Arc A770``, ``Quadro RTX 4000``, ``Intel UHD Graphics 730``.
* Suffix letters are kept exactly (``12400`` and ``12400F`` are different parts). A ``SUPER``
  that is not a real NVIDIA SKU (e.g. a card line called "GTX1070 Super JETSTREAM") is dropped.
* Where the memory size names a different SKU (``GeForce GTX 1060 3GB``, ``T1000 8GB``) it is
  appended to the GPU model; otherwise the memory size only goes to ``vram_gb``.
* Sizes are whole GB; ``1TB`` is 1000 GB (decimal, as drives are sold), ``1.5TB`` 1500 GB.
* OS is one of ``Windows 11 Home`` / ``Windows 11 Pro`` / ``Windows 10 Home`` / ... /
  ``FreeDOS`` / ``macOS`` / ``Linux`` / ``ChromeOS`` / ``미포함`` (no OS).
* Form factor is Korean: ``미니PC``, ``슬림``, ``미니타워``, ``미들타워``, ``빅타워``, ``일체형``.
* ``kind`` is the category kind: ``cpu`` names are CPU products (no GPU is read from them),
  ``gpu`` names are graphics cards (their memory size is VRAM), ``laptop`` GPUs get PassMark's
  laptop naming (``GeForce RTX 3060 Laptop GPU``), ``desktop``/``other`` read everything.

``is_integrated_gpu(gpu_model)`` is the one rule of what counts as integrated graphics; the
product services store it on ``Product.gpu_integrated`` and every reader uses that field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class ParsedSpecs:
    cpu_model: str = ""  # canonical English, e.g. "Intel Core i5-12400F"
    gpu_model: str = ""  # canonical English, e.g. "GeForce RTX 3060"
    ram_gb: int | None = None
    ssd_gb: int | None = None
    hdd_gb: int | None = None
    vram_gb: int | None = None
    os: str = ""
    form_factor: str = ""
    integrated_gpu: bool = False
    brand: str = ""


# --------------------------------------------------------------------------- text preparation

# Korean product words -> English, longest first so that 코어2듀오 wins over 코어.
_KOREAN_WORDS: list[tuple[str, str]] = [
    (r"코어\s*2\s*듀오", " Core2 Duo "),
    (r"코어\s*2\s*쿼드", " Core2 Quad "),
    (r"코어\s*2\s*익스트림", " Core2 Extreme "),
    (r"코어\s*X\s*-?\s*시리즈", " Core "),
    (r"코어\s*울트라", " Core Ultra "),
    (r"(?<!\d)코어", " Core "),  # not "6코어" (six cores)
    (r"인텔\s*아크", " Intel Arc "),
    (r"인텔", " Intel "),
    (r"셀러론", " Celeron "),
    (r"펜티엄", " Pentium "),
    (r"제온", " Xeon "),
    (r"스케일러블", " "),
    (r"골드", " Gold "),
    (r"실버", " Silver "),
    (r"브론즈", " Bronze "),
    (r"플래티넘", " Platinum "),
    (r"라이젠", " Ryzen "),
    (r"스레드리퍼", " Threadripper "),
    (r"애슬론", " Athlon "),
    (r"페넘", " Phenom "),
    (r"애플", " Apple "),
    (r"지포스", " GeForce "),
    (r"라데온", " Radeon "),
    (r"쿼드로", " Quadro "),
    (r"타이탄", " TITAN "),
    (r"테슬라", " Tesla "),
    (r"매트록스", " Matrox "),
    (r"엔비디아", " NVIDIA "),
]
_KOREAN_RE = [(re.compile(p), r) for p, r in _KOREAN_WORDS]
# "12세대", and Danawa's Core Ultra "시리즈2" (인텔 코어 울트라7 시리즈2 265KF)
_GENERATION_RE = re.compile(r"\d{1,2}\s*세대|시리즈\s*\d(?!\d)")


def _prepare(text: str) -> str:
    """Korean product words to English, generation markers and brackets to spaces."""
    out = text.replace("（", "(").replace("）", ")")
    out = re.sub(r"[®™]|\((?:R|TM)\)", " ", out, flags=re.I)
    out = _GENERATION_RE.sub(" ", out)
    for pattern, repl in _KOREAN_RE:
        out = pattern.sub(repl, out)
    out = re.sub(r"[()\[\],]", " ", out)
    return re.sub(r"\s+", " ", out).strip()


_B = r"(?<![A-Za-z0-9])"  # start boundary that treats Korean letters as a boundary
_E = r"(?![A-Za-z0-9])"  # end boundary


# --------------------------------------------------------------------------- CPU


def _cpu_core_i(m: re.Match) -> str:
    return f"Intel Core i{m['tier']}-{m['num']}{m['suffix'].upper()}"


def _cpu_xeon_e3(m: re.Match) -> str:
    name = f"Intel Xeon {m['line'].upper()}-{m['num']}{(m['suffix'] or '').upper()}"
    if m["ver"]:
        name += f" v{m['ver']}"
    return name


def _cpu_apple(m: re.Match) -> str:
    tier = f" {m['tier'].title()}" if m["tier"] else ""
    return f"Apple M{m['gen']}{tier}"


# (pattern, builder, needs-context) in priority order. Context "amd"/"apple" means the pattern
# is only trusted when the text names that vendor (or the product is a CPU).
_CPU_PATTERNS: list[tuple[re.Pattern, object, str]] = [
    (
        re.compile(
            rf"Core\s*Ultra\s*(?P<tier>[3579])\s*[-\s]*(?P<num>\d{{3}}[A-Z]{{0,2}}){_E}", re.I
        ),
        lambda m: f"Intel Core Ultra {m['tier']} {m['num'].upper()}",
        "",
    ),
    (
        re.compile(
            rf"{_B}i(?P<tier>[3579])\s*-\s*(?P<num>\d{{3,5}})(?P<suffix>[A-Z]{{0,2}}\d?){_E}", re.I
        ),
        _cpu_core_i,
        "",
    ),
    (
        re.compile(
            rf"Core\s*i(?P<tier>[3579])[\s/\-]*(?:i[3579]\s*-\s*)?(?P<num>\d{{3,5}})(?P<suffix>[A-Z]{{0,2}}\d?){_E}",
            re.I,
        ),
        _cpu_core_i,
        "",
    ),
    (
        re.compile(rf"Core\s*2\s*(?P<line>Duo|Quad|Extreme)\s*(?P<num>[A-Z]\d{{4}}){_E}", re.I),
        lambda m: f"Intel Core2 {m['line'].title()} {m['num'].upper()}",
        "",
    ),
    (
        re.compile(
            rf"(?P<fam>Celeron|Pentium)\s*(?P<line>Gold|Silver)?\s*(?P<num>[A-Z]{{0,2}}\d{{3,4}}[A-Z]{{0,2}}){_E}",
            re.I,
        ),
        lambda m: (
            "Intel "
            + " ".join(
                p for p in (m["fam"].title(), (m["line"] or "").title(), m["num"].upper()) if p
            )
        ),
        "",
    ),
    (
        re.compile(
            rf"Xeon\s*(?P<line>Gold|Silver|Bronze|Platinum)\s*(?P<num>\d{{4}}[A-Z]{{0,2}}){_E}",
            re.I,
        ),
        lambda m: f"Intel Xeon {m['line'].title()} {m['num'].upper()}",
        "",
    ),
    (
        re.compile(
            rf"Xeon\s*(?P<line>E[357])\s*-?\s*(?P<num>\d{{4}})(?P<suffix>[A-UW-Z]?)\s*(?:-?\s*v(?P<ver>\d))?{_E}",
            re.I,
        ),
        _cpu_xeon_e3,
        "",
    ),
    (
        re.compile(rf"Xeon\s*E\s*-?\s*(?P<num>2\d{{3}}[A-Z]{{0,2}}){_E}", re.I),
        lambda m: f"Intel Xeon E-{m['num'].upper()}",
        "",
    ),
    (
        re.compile(rf"Xeon\s*W\s*-\s*(?P<num>\d{{4,5}}[A-Z]{{0,2}}){_E}", re.I),
        lambda m: f"Intel Xeon W-{m['num'].upper()}",
        "",
    ),
    (
        re.compile(rf"Xeon\s*(?P<num>[EXLW]\d{{4}}[A-Z]?){_E}", re.I),
        lambda m: f"Intel Xeon {m['num'].upper()}",
        "",
    ),
    (
        re.compile(rf"Threadripper\s*(?P<pro>PRO\s*)?(?P<num>\d{{4}}(?:WX|X)){_E}", re.I),
        lambda m: f"AMD Ryzen Threadripper {'PRO ' if m['pro'] else ''}{m['num'].upper()}",
        "",
    ),
    (
        re.compile(
            rf"Ryzen\s*(?P<tier>[3579])[\s/\-]*(?P<pro>PRO\s*)?[\s/\-]*(?P<num>\d{{4}}[A-Z0-9]{{0,3}}){_E}",
            re.I,
        ),
        lambda m: f"AMD Ryzen {m['tier']} {'PRO ' if m['pro'] else ''}{m['num'].upper()}",
        "",
    ),
    (
        re.compile(
            rf"Athlon\s*(?:(?P<x>II\s*-?\s*X[234])|(?P<line>PRO|Gold|Silver))?\s*(?P<num>\d{{3,4}}[A-Z]{{0,2}}){_E}",
            re.I,
        ),
        lambda m: (
            "AMD Athlon "
            + (
                re.sub(r"II\s*-?\s*X", "II X", m["x"].upper()) + " "
                if m["x"]
                else (m["line"].upper() if m["line"].upper() == "PRO" else m["line"].title()) + " "
                if m["line"]
                else ""
            )
            + m["num"].upper()
        ),
        "",
    ),
    (
        re.compile(rf"Phenom\s*(?P<ii>II)?\s*-?\s*(?P<x>X\d)\s*(?P<num>\d{{3,4}}[A-Z]?){_E}", re.I),
        lambda m: f"AMD Phenom {'II ' if m['ii'] else ''}{m['x'].upper()} {m['num'].upper()}",
        "",
    ),
    (
        re.compile(rf"EPYC\s*(?P<num>\d{{4}}[A-Z]?){_E}", re.I),
        lambda m: f"AMD EPYC {m['num'].upper()}",
        "",
    ),
    (
        re.compile(rf"{_B}FX\s*-?\s*(?P<num>\d{{4}}[A-Z]?){_E}", re.I),
        lambda m: f"AMD FX-{m['num'].upper()}",
        "amd",
    ),
    (
        re.compile(rf"{_B}A(?P<tier>4|6|8|10|12)\s*-?\s*(?P<num>\d{{4}}[A-Z]?){_E}"),
        lambda m: f"AMD A{m['tier']}-{m['num'].upper()}",
        "amd",
    ),
    (
        re.compile(rf"{_B}M(?P<gen>[1-4])(?:\s+(?P<tier>Pro|Max|Ultra))?(?![A-Za-z0-9.])", re.I),
        _cpu_apple,
        "apple",
    ),
]

_APPLE_CONTEXT = re.compile(r"apple|애플|mac|맥북|아이맥|맥\s*미니|맥\s*스튜디오", re.I)
_AMD_CONTEXT = re.compile(r"AMD|에이엠디", re.I)


def _find_cpu(text: str, kind: str, context: str = "") -> tuple[int, str] | None:
    """(position, canonical CPU) of the first CPU named in ``text``; ``context`` (all of the
    product's text) decides whether vendor-specific short names like "M2" or "A10" count."""
    context = context or text
    best: tuple[int, str] | None = None
    for pattern, build, needs in _CPU_PATTERNS:
        if needs == "amd" and not (_AMD_CONTEXT.search(context) or kind == "cpu"):
            continue
        if needs == "apple" and not _APPLE_CONTEXT.search(context):
            continue
        for m in pattern.finditer(text):
            if needs == "amd" and re.search(r"Quadro\s*$|Radeon\s*(?:R\d\s*)?$", text[: m.start()]):
                continue  # "Quadro FX 4800", "Radeon R7 A10-7870K" are GPUs
            if best is None or m.start() < best[0]:
                best = (m.start(), build(m))
            break
    return best


# --------------------------------------------------------------------------- GPU

# NVIDIA SKUs that really carry a SUPER suffix (others are card-line names, e.g. "Super JETSTREAM").
_SUPER_MODELS = {"1650", "1660", "2060", "2070", "2080", "4060", "4070", "4080"}

# Base model -> memory sizes (GB) that make a different SKU, named "<model> <n>GB" by PassMark.
MEMORY_SKUS: dict[str, set[int]] = {
    "GeForce GTX 1060": {3, 5},
    "GeForce GTX 1050": {3},
    "GeForce RTX 2060": {12},
    "GeForce RTX 3050": {6},
    "GeForce RTX 3060": {8},
    "GeForce RTX 3080": {12},
    "T1000": {8},
    "T400": {4},
    "RTX A2000": {12},
    "Quadro M6000": {24},
}

_GEFORCE_RE = re.compile(
    rf"{_B}(?P<line>RTX|GTX|GTS|GT|MX)\s*-?\s*(?P<num>\d{{3,4}})(?:\s*(?P<v1>Ti|SUPER)(?![A-Za-z]))?"
    rf"(?:\s*(?P<v2>Ti|SUPER)(?![A-Za-z]))?",
    re.I,
)


def _geforce(m: re.Match, kind: str) -> str:
    line, num = m["line"].upper(), m["num"]
    variants = [v.upper() for v in (m["v1"], m["v2"]) if v]
    suffix = ""
    if "TI" in variants:
        suffix += " Ti"
    if "SUPER" in variants and num in _SUPER_MODELS:
        suffix += " SUPER"
    name = f"GeForce {line} {num}{suffix}"
    if kind == "laptop" and line in ("RTX", "GTX"):
        name += " Laptop GPU" if num.startswith(("30", "40")) else " (Mobile)"
    return name


def _radeon_rx(m: re.Match, kind: str) -> str:
    tier = f" {m['tier'].upper()}" if m["tier"] else ""
    return f"Radeon RX {m['num']}{tier}"


def _radeon_pro(m: re.Match, kind: str) -> str:
    line = m["line"].upper()
    if line == "WX":
        return f"Radeon Pro WX {m['num']}"
    return f"Radeon Pro W{m['num']}"


def _quadro(m: re.Match, kind: str) -> str:
    model = re.sub(r"\s+", " ", m["model"].upper())
    model = re.sub(r"^(RTX|FX|NVS)\s*", r"\1 ", model)
    model = re.sub(r"^([KMPT])\s+", r"\1", model)
    return f"Quadro {model}"


# (pattern, builder, is_integrated) in priority order; the first pattern that matches wins.
_GPU_PATTERNS: list[tuple[re.Pattern, object, bool]] = [
    (
        re.compile(
            rf"Quadro\s*(?P<model>RTX\s*\d{{4}}|GV100|GP100|[KMPT]\s*\d{{3,4}}|FX\s*\d{{3,4}}|NVS\s*\d{{3}}){_E}",
            re.I,
        ),
        _quadro,
        False,
    ),
    (re.compile(rf"{_B}RTX\s*A(?P<num>\d{{4}}){_E}", re.I), lambda m, k: f"RTX A{m['num']}", False),
    (
        re.compile(rf"TITAN\s*(?P<model>RTX|V|Xp|X|Z|Black){_E}", re.I),
        lambda m, k: f"TITAN {m['model'] if m['model'] in ('Xp', 'Black') else m['model'].upper()}",
        False,
    ),
    (
        re.compile(rf"Tesla\s*(?P<model>[A-Z]\d{{1,3}}){_E}", re.I),
        lambda m, k: f"Tesla {m['model'].upper()}",
        False,
    ),
    (
        re.compile(rf"NVIDIA\s*T(?P<num>400|600|1000){_E}", re.I),
        lambda m, k: f"T{m['num']}",
        False,
    ),
    (_GEFORCE_RE, _geforce, False),
    (re.compile(rf"GeForce\s*G?(?P<num>210){_E}", re.I), lambda m, k: "GeForce 210", False),
    (
        re.compile(rf"{_B}Arc\s*(?P<num>A\d{{3}}M?){_E}", re.I),
        lambda m, k: f"Intel Arc {m['num'].upper()}",
        False,
    ),
    (
        re.compile(rf"Radeon\s*PRO\s*(?P<line>WX|W)\s*(?P<num>\d{{3,4}}X?){_E}", re.I),
        _radeon_pro,
        False,
    ),
    (
        re.compile(rf"Radeon\s*RX\s*Vega\s*(?P<num>\d{{2}}){_E}", re.I),
        lambda m, k: f"Radeon RX Vega {m['num']}",
        False,
    ),
    (re.compile(rf"Radeon\s*VII{_E}", re.I), lambda m, k: "Radeon VII", False),
    (
        re.compile(rf"{_B}RX\s*-?\s*(?P<num>\d{{3,4}})\s*(?P<tier>XTX|XT|GRE)?{_E}", re.I),
        _radeon_rx,
        False,
    ),
    (
        re.compile(rf"Radeon\s*(?P<line>R[579])\s*(?P<num>\d{{3}}X?){_E}", re.I),
        lambda m, k: f"Radeon {m['line'].upper()} {m['num'].upper()}",
        False,
    ),
    (
        re.compile(rf"Radeon\s*HD\s*(?P<num>\d{{4}}){_E}", re.I),
        lambda m, k: f"Radeon HD {m['num']}",
        False,
    ),
    (
        re.compile(rf"(?:Matrox)\s*(?P<model>[MCG]\d{{3,4}})(?P<plus>\s*PLUS)?{_E}", re.I),
        lambda m, k: f"Matrox {m['model'].upper()}{' Plus' if m['plus'] else ''}",
        False,
    ),
    (
        re.compile(rf"(?P<fam>FireGL|FirePro)\s*(?P<model>[VWS]?\s*\d{{3,4}}){_E}", re.I),
        lambda m, k: (
            f"{'FireGL' if m['fam'].lower() == 'firegl' else 'FirePro'} "
            f"{m['model'].replace(' ', '').upper()}"
        ),
        False,
    ),
    # integrated graphics
    (
        re.compile(rf"Radeon\s*(?:RX\s*)?Vega\s*(?P<num>\d{{1,2}}){_E}", re.I),
        lambda m, k: f"Radeon Vega {m['num']}",
        True,
    ),
    (
        re.compile(rf"Radeon\s*(?P<num>\d{{3}}M){_E}", re.I),
        lambda m, k: f"Radeon {m['num'].upper()}",
        True,
    ),
    (
        re.compile(
            rf"(?:Intel\s*)?(?P<line>UHD|Iris\s*Xe|Iris\s*Plus|Iris)\s*(?:Graphics)?\s*(?P<num>\d{{3,4}})?{_E}",
            re.I,
        ),
        lambda m, k: (
            "Intel "
            + {"uhd": "UHD", "irisxe": "Iris Xe", "irisplus": "Iris Plus", "iris": "Iris"}[
                re.sub(r"\s+", "", m["line"].lower())
            ]
            + " Graphics"
            + (f" {m['num']}" if m["num"] else "")
        ),
        True,
    ),
    (
        re.compile(
            rf"Intel\s*HD\s*(?:Graphics)?\s*(?P<num>\d{{3,4}})?{_E}|{_B}HD\s*Graphics\s*(?P<n2>\d{{3,4}})?{_E}",
            re.I,
        ),
        lambda m, k: (
            "Intel HD Graphics" + (f" {m['num'] or m['n2']}" if (m["num"] or m["n2"]) else "")
        ),
        True,
    ),
]

_INTEGRATED_WORDS = re.compile(
    r"(?:내장\s*그래픽|내장\s*GPU)(?!\s*:?\s*(?:미탑재|없음|미지원))|integrated|Radeon\s*Graphics|온보드",
    re.I,
)


# Canonical GPU names that are a CPU's integrated graphics (Intel UHD/HD/Iris, Radeon Vega N and
# Radeon NNNM, Apple): the names the integrated patterns above produce, and PassMark's spelling.
_INTEGRATED_MODEL = re.compile(r"^(?:Intel (?:UHD|HD|Iris)|Radeon (?:Vega \d|\d{3}M)|Apple)")


def is_integrated_gpu(gpu_model: str) -> bool:
    """Whether a canonical GPU name is integrated graphics (``Product.gpu_integrated``)."""
    return bool(_INTEGRATED_MODEL.match(gpu_model or ""))


def _find_gpu(text: str, kind: str) -> tuple[str, bool] | None:
    """(canonical GPU, is_integrated) of the first discrete GPU named, else the integrated one."""
    integrated: str | None = None
    for pattern, build, is_integrated in _GPU_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        name = build(m, kind)
        if is_integrated:
            integrated = integrated or name
            continue
        return name, False
    if integrated:
        return integrated, True
    return None


def _with_memory_sku(gpu: str, vram: int | None) -> str:
    if vram and vram in MEMORY_SKUS.get(gpu, set()):
        return f"{gpu} {vram}GB"
    return gpu


# --------------------------------------------------------------------------- sizes, OS, form

_SIZE = r"(?P<size>\d+(?:\.\d+)?)\s*(?P<unit>TB|GB|테라|기가)"


def _gb(m: re.Match) -> int:
    size = float(m["size"])
    if m["unit"].upper() in ("TB", "테라"):
        size *= 1000
    return int(round(size))


_SSD_RE = [
    re.compile(rf"(?:SSD|NVMe|M\.2|eMMC)\s*(?:용량)?\s*:?\s*{_SIZE}", re.I),
    re.compile(rf"{_SIZE}\s*(?:NVMe\s*|M\.2\s*)?(?:SSD|NVMe)", re.I),
]
_HDD_RE = [
    re.compile(rf"HDD\s*(?:용량)?\s*:?\s*{_SIZE}", re.I),
    re.compile(rf"{_SIZE}\s*HDD", re.I),
]
_RAM_RE = [
    re.compile(
        rf"(?:(?<![A-Za-z])RAM|램|(?<!그래픽)(?<!그래픽 )(?<!비디오)(?<!비디오 )메모리|(?<![A-Za-z])memory)"
        rf"\s*(?:용량)?\s*:?\s*(?:DDR\d\w*\s*)?{_SIZE}",
        re.I,
    ),
    re.compile(rf"(?:DDR|LPDDR)\d\w*\s*(?:-\d+\s*)?{_SIZE}", re.I),
    re.compile(rf"{_SIZE}\s*(?:\(\s*\d+GB\s*x\s*\d\s*\)\s*)?(?:DDR|LPDDR|램|RAM|메모리)", re.I),
]
_VRAM_RE = [
    re.compile(rf"(?:VRAM|그래픽\s*메모리|비디오\s*메모리)\s*(?:용량)?\s*:?\s*{_SIZE}", re.I),
    re.compile(rf"(?:G?D(?:DR)?[3-7]X?|HBM\d?e?)\s+{_SIZE}", re.I),
]

_OS_RULES: list[tuple[re.Pattern, str | None]] = [
    (
        re.compile(
            r"(?:윈도우|윈도|Windows|WIN)\s*(?P<ver>11|10|8\.1|8|7)\s*(?P<ed>홈|Home|프로|Pro|Professional)?",
            re.I,
        ),
        None,
    ),
    (re.compile(r"프리\s*도스|Free\s*DOS|FreeDOS", re.I), "FreeDOS"),
    (re.compile(r"mac\s*OS|맥\s*OS|OS\s*X", re.I), "macOS"),
    (re.compile(r"크롬\s*OS|Chrome\s*OS", re.I), "ChromeOS"),
    (re.compile(r"리눅스|Linux|우분투|Ubuntu", re.I), "Linux"),
    (
        re.compile(
            r"(?:OS|운영체제)\s*:?\s*(?:미포함|미설치|없음)|미포함|Non[\s-]*OS|No\s*OS", re.I
        ),
        "미포함",
    ),
]

_FORM_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"미니\s*PC|Mini\s*PC|초소형|NUC", re.I), "미니PC"),
    (
        re.compile(r"일체형(?!\s*(?:수[랭냉]|쿨러))|올인원|All[\s-]*in[\s-]*One|AIO\s*PC", re.I),
        "일체형",
    ),
    (re.compile(r"슬림|Slim", re.I), "슬림"),
    (re.compile(r"빅\s*타워|Big\s*Tower|Full\s*Tower", re.I), "빅타워"),
    (re.compile(r"미들\s*타워|Mid(?:dle)?\s*Tower", re.I), "미들타워"),
    (re.compile(r"미니\s*타워|마이크로\s*타워|Mini\s*Tower|Micro\s*Tower", re.I), "미니타워"),
]


def _first(patterns: list[re.Pattern], texts: list[str]) -> int | None:
    for text in texts:
        for pattern in patterns:
            m = pattern.search(text)
            if m:
                return _gb(m)
    return None


def _os(texts: list[str]) -> str:
    for text in texts:
        for pattern, value in _OS_RULES:
            m = pattern.search(text)
            if not m:
                continue
            if value is not None:
                return value
            edition = (m["ed"] or "").lower()
            name = f"Windows {m['ver']}"
            if edition in ("홈", "home"):
                name += " Home"
            elif edition in ("프로", "pro", "professional"):
                name += " Pro"
            return name
    return ""


def _form_factor(texts: list[str]) -> str:
    for text in texts:
        hits = [(m.start(), value) for p, value in _FORM_RULES if (m := p.search(text))]
        if hits:
            return min(hits)[1]
    return ""


# --------------------------------------------------------------------------- brand

_BRANDS: dict[str, str] = {
    "msi": "MSI",
    "asus": "ASUS",
    "에이수스": "ASUS",
    "gigabyte": "GIGABYTE",
    "기가바이트": "GIGABYTE",
    "이엠텍": "이엠텍",
    "emtek": "이엠텍",
    "zotac": "ZOTAC",
    "조텍": "ZOTAC",
    "갤럭시": "갤럭시",
    "galax": "갤럭시",
    "palit": "PALIT",
    "이도디스플레이": "이도디스플레이",
    "sapphire": "SAPPHIRE",
    "powercolor": "PowerColor",
    "asrock": "ASRock",
    "xfx": "XFX",
    "evga": "EVGA",
    "gainward": "GAINWARD",
    "inno3d": "INNO3D",
    "pny": "PNY",
    "colorful": "COLORFUL",
    "afox": "AFOX",
    "액슬": "AXLE",
    "axle": "AXLE",
    "his": "HIS",
    "tager": "TAGER",
    "arktek": "ARKTEK",
    "forsa": "FORSA",
    "엠탑코리아": "엠탑코리아",
    "nvidia": "NVIDIA",
    "엔비디아": "NVIDIA",
    "amd": "AMD",
    "인텔": "Intel",
    "intel": "Intel",
    "매트록스": "Matrox",
    "matrox": "Matrox",
    "삼성전자": "삼성전자",
    "삼성": "삼성전자",
    "samsung": "삼성전자",
    "lg전자": "LG전자",
    "lg": "LG전자",
    "엘지전자": "LG전자",
    "hp": "HP",
    "dell": "Dell",
    "델": "Dell",
    "레노버": "Lenovo",
    "lenovo": "Lenovo",
    "애플": "Apple",
    "apple": "Apple",
    "한성컴퓨터": "한성컴퓨터",
    "한성": "한성컴퓨터",
    "주연테크": "주연테크",
    "주연": "주연테크",
    "에이서": "Acer",
    "acer": "Acer",
}
# First words that are product words, not brands ("지포스 GTX660 ... (중고)").
_NOT_BRANDS = {"지포스", "라데온", "geforce", "radeon", "쿼드로", "quadro"}


def _brand(name: str) -> str:
    words = name.replace("(", " ").split()
    if not words:
        return ""
    first = words[0]
    key = first.lower()
    if key in _NOT_BRANDS:
        return ""
    if key in _BRANDS:
        return _BRANDS[key]
    return first


# --------------------------------------------------------------------------- entry point

_CPU_KEYS = re.compile(r"CPU|프로세서|processor", re.I)
_GPU_KEYS = re.compile(r"그래픽|GPU|VGA|칩셋", re.I)
_OS_KEYS = re.compile(r"운영\s*체제|OS", re.I)
_FORM_KEYS = re.compile(r"형태|폼\s*팩터|케이스|크기|제품\s*분류", re.I)


def parse_specs(
    name: str, summary: str = "", table: dict[str, str] | None = None, kind: str = ""
) -> ParsedSpecs:
    """Structured specs from a product's name, spec summary and spec table (see module doc).

    Nothing is guessed: a field the texts do not state stays empty (``""`` or ``None``).
    """
    kind = (kind or "").lower()
    table = table or {}
    items = [s.strip() for s in re.split(r"\s+/\s+|\n", summary or "") if s.strip()]
    table_items = [f"{k} {v}" for k, v in table.items() if v]
    specs = ParsedSpecs(brand=_brand(name or ""))

    # CPU: a table row labelled CPU first, then the name, then the summary.
    cpu_texts = [_prepare(f"{k} {v}") for k, v in table.items() if _CPU_KEYS.search(k)]
    cpu_texts += [_prepare(name or ""), _prepare(" / ".join(items))]
    if kind != "gpu":
        for text in cpu_texts:
            found = _find_cpu(text, kind, " ".join(cpu_texts))
            if found:
                specs.cpu_model = found[1]
                break

    # sizes
    raw_texts = table_items + items + [name or ""]
    if kind == "gpu":
        vram_texts = [f"{k} {v}" for k, v in table.items() if "메모리" in k or "VRAM" in k.upper()]
        specs.vram_gb = _first(_VRAM_RE, vram_texts + raw_texts) or _first(
            [re.compile(rf"{_B}{_SIZE}", re.I)], vram_texts + [name or ""]
        )
    else:
        specs.vram_gb = _first(_VRAM_RE[:1], raw_texts)
        specs.ram_gb = _first(_RAM_RE, raw_texts)
        specs.ssd_gb = _first(_SSD_RE, raw_texts)
        specs.hdd_gb = _first(_HDD_RE, raw_texts)
        if specs.ram_gb is None and items:
            specs.ram_gb = _bare_ram(items)

    # GPU
    if kind != "cpu":
        gpu_texts = [_prepare(f"{k} {v}") for k, v in table.items() if _GPU_KEYS.search(k)]
        gpu_texts += [_prepare(name or ""), _prepare(" / ".join(items + table_items))]
        for text in gpu_texts:
            found = _find_gpu(text, kind)
            if found:
                gpu, integrated = found
                if kind == "gpu" or not integrated:
                    specs.gpu_model = gpu
                    specs.integrated_gpu = integrated and kind != "gpu"
                    break
                if not specs.gpu_model:
                    specs.gpu_model, specs.integrated_gpu = gpu, True
        if not specs.gpu_model and kind != "gpu":
            specs.integrated_gpu = specs.cpu_model.startswith("Apple M") or any(
                _INTEGRATED_WORDS.search(t) for t in gpu_texts
            )
        if specs.vram_gb is None and specs.gpu_model and not specs.integrated_gpu:
            specs.vram_gb = _vram_near_gpu(gpu_texts)
        if specs.gpu_model and not specs.integrated_gpu:
            specs.gpu_model = _with_memory_sku(specs.gpu_model, specs.vram_gb)

    if kind not in ("cpu", "gpu"):
        os_texts = [f"{k} {v}" for k, v in table.items() if _OS_KEYS.search(k)]
        specs.os = _os(os_texts + items + [name or ""])
        form_texts = [f"{k} {v}" for k, v in table.items() if _FORM_KEYS.search(k)]
        specs.form_factor = _form_factor(form_texts + [name or ""] + items)
    return specs


def _bare_ram(items: list[str]) -> int | None:
    """A summary item that is only a size ("16GB") before any storage item is the RAM."""
    for item in items:
        if re.search(r"SSD|HDD|NVMe|M\.2|eMMC|저장", item, re.I):
            return None
        m = re.fullmatch(rf"\s*{_SIZE}\s*", item, re.I)
        if m and m["unit"].upper() in ("GB", "기가"):
            size = _gb(m)
            if 2 <= size <= 512:
                return size
    return None


def _vram_near_gpu(texts: list[str]) -> int | None:
    """ "RTX 3060 12GB" in a desktop summary: the size right after the GPU model is its VRAM."""
    pattern = re.compile(
        rf"(?:RTX|GTX|GT|RX|Arc|Quadro)\s*-?\s*A?\d{{3,4}}(?:\s*(?:Ti|SUPER|XTX|XT))*\s*"
        rf"(?:D\d\w*\s*|GDDR\d\w*\s*)?{_SIZE}",
        re.I,
    )
    for text in texts:
        m = pattern.search(text)
        if m:
            return _gb(m)
    return None
