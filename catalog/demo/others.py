"""Non-PC demo products for image search: sofas (소파), puffer jackets (패딩) and shoes (신발).

Each product has its own drawn photo from seeded shape/colour parameters, a Korean name in the
style of Danawa's listings, a short spec summary and a base price.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.demo.generator import product_rng

OTHER_CATEGORIES = {
    # key -> (category code, name)
    "sofa": ("demo:sofa", "소파"),
    "padding": ("demo:padding", "패딩"),
    "shoes": ("demo:shoes", "신발"),
}

COLORS = {
    "블랙": (35, 35, 38),
    "차콜": (70, 72, 78),
    "그레이": (150, 152, 156),
    "아이보리": (236, 229, 212),
    "베이지": (214, 196, 165),
    "브라운": (120, 82, 52),
    "카멜": (186, 134, 80),
    "네이비": (36, 46, 82),
    "카키": (98, 104, 70),
    "올리브": (120, 125, 60),
    "그린": (60, 120, 80),
    "블루": (50, 100, 190),
    "스카이블루": (140, 190, 230),
    "레드": (190, 40, 45),
    "버건디": (110, 30, 45),
    "옐로우": (235, 195, 60),
    "오렌지": (230, 120, 40),
    "핑크": (230, 160, 175),
    "화이트": (245, 245, 245),
}


@dataclass(frozen=True)
class OtherSpec:
    """One non-PC demo product: name, summary, brand, base price and drawing parameters."""

    kind: str
    index: int
    pcode: str
    name: str
    brand: str
    spec_summary: str
    base_price: int
    price_style: int
    draw: dict


def _color(rng, names: tuple[str, ...]) -> tuple[str, tuple[int, int, int]]:
    name = rng.choice(names)
    base = COLORS[name]
    jitter = tuple(max(0, min(255, v + rng.randint(-12, 12))) for v in base)
    return name, jitter


SOFA_BRANDS = {
    "한샘": 1.2, "현대리바트": 1.15, "까사미아": 1.3, "일룸": 1.25, "자코모": 1.0,
    "에몬스": 0.95, "동서가구": 0.75, "이케아": 0.7, "레이디가구": 0.6, "보니애가구": 0.8,
}  # fmt: skip
SOFA_LINES = (
    "모던",
    "루나",
    "헤이븐",
    "클라우드",
    "밀라노",
    "오슬로",
    "포레",
    "노바",
    "브리즈",
    "라온",
)
SOFA_MATERIALS = {
    "패브릭": 1.0,
    "아쿠아텍스": 1.1,
    "천연면피 가죽": 1.8,
    "인조가죽": 0.9,
    "부클레": 1.2,
}


def sofa(seed: int, index: int) -> OtherSpec:
    rng = product_rng(seed, "sofa", index)
    brand = rng.choice(list(SOFA_BRANDS))
    material = rng.choice(list(SOFA_MATERIALS))
    seats = rng.choice((1, 2, 3, 3, 4))
    shape = "카우치형" if seats >= 3 and rng.random() < 0.3 else "일자형"
    cname, color = _color(
        rng, ("그레이", "베이지", "아이보리", "브라운", "차콜", "네이비", "그린", "카멜", "블루")
    )
    line = rng.choice(SOFA_LINES)
    name = f"{brand} {line} {seats}인용 {material} {shape} 소파 {cname}"
    price = 160_000 + 210_000 * seats
    price *= SOFA_BRANDS[brand] * SOFA_MATERIALS[material] * rng.uniform(0.8, 1.3)
    draw = {
        "seats": seats,
        "color": color,
        "arm": rng.choice(("round", "square", "none", "square")),
        "legs": rng.choice(("wood", "metal", "none")),
        "back": rng.randint(30, 110),
        "pillow": COLORS[rng.choice(("아이보리", "옐로우", "핑크", "그레이"))]
        if rng.random() < 0.4
        else None,
    }
    summary = f"{seats}인용 / {material} / {shape} / {cname} / 폭 {90 + 60 * seats}cm"
    return OtherSpec("sofa", index, f"demo-sofa-{index + 1:04d}", name, brand, summary,
                     int(price), rng.randrange(4), draw)  # fmt: skip


PADDING_BRANDS = {
    "노스페이스": 1.3, "디스커버리": 1.2, "내셔널지오그래픽": 1.1, "코오롱스포츠": 1.4,
    "K2": 1.2, "아이더": 1.2, "블랙야크": 1.1, "무신사 스탠다드": 0.55, "탑텐": 0.45,
    "스파오": 0.45, "몽클레르": 7.0, "캐나다구스": 5.5,
}  # fmt: skip
PADDING_LINES = (
    "눕시",
    "에코 다운",
    "레스터",
    "하이퍼",
    "아르테",
    "벤치",
    "시티",
    "알래스카",
    "루프",
)


def padding(seed: int, index: int) -> OtherSpec:
    rng = product_rng(seed, "padding", index)
    brand = rng.choice(list(PADDING_BRANDS))
    length = rng.choice((0, 0, 1, 2))
    kind = ("숏패딩", "미드 다운 자켓", "롱패딩")[length]
    fill = rng.choice(("구스다운", "덕다운", "웰론"))
    hood = rng.random() < 0.6
    cname, color = _color(
        rng, ("블랙", "블랙", "네이비", "카키", "베이지", "아이보리", "브라운", "레드", "옐로우",
              "올리브", "스카이블루", "차콜"),
    )  # fmt: skip
    code = f"{rng.choice('NDKBM')}{rng.choice('JMW')}{rng.randint(1, 4)}{rng.choice('DPW')}{rng.randint(10, 99)}"
    name = f"{brand} {rng.choice(PADDING_LINES)} {fill} {kind} {code} {cname}"
    price = (
        (120_000 + 90_000 * length) * PADDING_BRANDS[brand] * (1.25 if fill == "구스다운" else 1)
    )
    price *= rng.uniform(0.8, 1.25)
    draw = {
        "color": color,
        "length": length,
        "hood": hood,
        "pockets": rng.random() < 0.5,
        "patch": COLORS[rng.choice(("화이트", "레드", "오렌지"))] if rng.random() < 0.35 else None,
    }
    summary = f"{fill} / {kind} / {'후드' if hood else '스탠드 칼라'} / {cname} / 남녀공용"
    return OtherSpec("padding", index, f"demo-padding-{index + 1:04d}", name, brand, summary,
                     int(price), rng.randrange(4), draw)  # fmt: skip


SHOE_MODELS = {
    # brand -> [(model, height, stripe, base price)]
    "나이키": [("에어포스 1 '07", 0, "swoop", 139_000), ("덩크 로우 레트로", 0, "swoop", 129_000),
             ("에어맥스 90", 0, "swoop", 169_000), ("코르테즈", 0, "swoop", 109_000)],
    "아디다스": [("삼바 OG", 0, "bars", 139_000), ("가젤", 0, "bars", 129_000),
              ("슈퍼스타", 0, "bars", 119_000), ("울트라부스트 라이트", 0, "bars", 239_000)],
    "뉴발란스": [("530", 0, "line", 129_000), ("2002R", 0, "line", 189_000),
              ("990v6", 0, "line", 269_000), ("327", 0, "line", 119_000)],
    "컨버스": [("척테일러 올스타 하이", 1, "line", 75_000), ("척 70 로우", 0, "line", 95_000)],
    "반스": [("올드스쿨", 0, "swoop", 79_000), ("스케이트 하이", 1, "swoop", 95_000)],
    "아식스": [("젤 카야노 14", 0, "bars", 179_000), ("젤 1130", 0, "bars", 139_000)],
    "닥터마틴": [("1460 8홀 부츠", 2, "line", 259_000), ("2976 첼시 부츠", 2, "line", 249_000)],
    "호카": [("본디 8", 0, "line", 219_000), ("클리프톤 9", 0, "line", 189_000)],
    "휠라": [("디스럽터 2", 0, "line", 79_000), ("레이 트레이서", 0, "bars", 89_000)],
}  # fmt: skip


def shoe(seed: int, index: int) -> OtherSpec:
    rng = product_rng(seed, "shoes", index)
    brand = rng.choice(list(SHOE_MODELS))
    model, height, stripe, base = rng.choice(SHOE_MODELS[brand])
    cname, upper = _color(
        rng, ("화이트", "화이트", "블랙", "그레이", "베이지", "네이비", "브라운", "그린", "레드",
              "핑크", "스카이블루"),
    )  # fmt: skip
    _, accent = _color(rng, ("블랙", "레드", "네이비", "그린", "화이트", "오렌지", "블루"))
    sole_name = rng.choice(("화이트", "화이트", "검솔", "블랙"))
    sole = {"화이트": (246, 246, 244), "검솔": (176, 120, 70), "블랙": (30, 30, 32)}[sole_name]
    code = f"{rng.choice('ABCDFH')}{rng.choice('JQWZ')}{rng.randint(1000, 9999)}-{rng.randint(0, 999):03d}"
    name = f"{brand} {model} {cname} {code}"
    draw = {"upper": upper, "sole": sole, "accent": accent, "height": height, "stripe": stripe}
    kind = "부츠" if height == 2 else ("하이탑 스니커즈" if height == 1 else "스니커즈")
    summary = f"{kind} / 남녀공용 / {cname} / 230~290mm"
    price = base * rng.uniform(0.75, 1.05)
    return OtherSpec("shoes", index, f"demo-shoes-{index + 1:04d}", name, brand, summary,
                     int(price), rng.randrange(4), draw)  # fmt: skip


BUILDERS = {"sofa": sofa, "padding": padding, "shoes": shoe}


def other_spec(kind: str, seed: int, index: int) -> OtherSpec:
    return BUILDERS[kind](seed, index)
