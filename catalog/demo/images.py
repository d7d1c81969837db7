"""Product photos drawn by code: 330×330 JPEG on white, like Danawa's thumbnails.

Desktops are drawn per chassis (a line's colour/light variant and the graphics card seen through
the glass), so products of one chassis share one photo as real brand PCs do. Sofas, puffer
jackets and shoes are drawn per product from seeded shape and colour parameters.
Drawing happens at twice the size and is scaled down for smooth edges.
"""

from __future__ import annotations

import functools
import io
import random

from PIL import Image, ImageDraw, ImageFilter

from catalog.demo.lines import Chassis, Color

SIZE = 330
S = 2 * SIZE  # drawing canvas
WHITE_BG = (255, 255, 255)


def _shade(c: Color, k: float) -> Color:
    """Darker (k < 1) or lighter (k > 1) version of a colour."""
    if k <= 1:
        return tuple(max(0, int(v * k)) for v in c)
    return tuple(min(255, int(v + (255 - v) * (k - 1))) for v in c)


def _mix(a: Color, b: Color, t: float) -> Color:
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (S, S), WHITE_BG)
    return img, ImageDraw.Draw(img)


def _region(boxes: list[tuple[float, float, float, float]], margin: int) -> tuple[int, ...]:
    """The canvas area around ``boxes`` (blurring only there keeps drawing fast)."""
    x1 = max(0, int(min(b[0] for b in boxes)) - margin)
    y1 = max(0, int(min(b[1] for b in boxes)) - margin)
    x2 = min(S, int(max(b[2] for b in boxes)) + margin)
    y2 = min(S, int(max(b[3] for b in boxes)) + margin)
    return x1, y1, x2, y2


def _shadow(img: Image.Image, box: tuple[float, float, float, float], strength: int = 70) -> None:
    x1, y1, x2, y2 = _region([box], 40)
    layer = Image.new("L", (x2 - x1, y2 - y1), 0)
    ImageDraw.Draw(layer).ellipse(
        (box[0] - x1, box[1] - y1, box[2] - x1, box[3] - y1), fill=strength
    )
    layer = layer.filter(ImageFilter.GaussianBlur(14))
    img.paste((150, 150, 155), (x1, y1, x2, y2), layer)


def _glow(img: Image.Image, rings: list[tuple[tuple[float, float, float, float], Color]]) -> None:
    """Soft light around RGB fan rings."""
    if not rings:
        return
    x1, y1, x2, y2 = _region([box for box, _ in rings], 40)
    layer = Image.new("RGBA", (x2 - x1, y2 - y1), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    for (bx1, by1, bx2, by2), color in rings:
        d.ellipse((bx1 - x1, by1 - y1, bx2 - x1, by2 - y1), outline=(*color, 200), width=22)
    layer = layer.filter(ImageFilter.GaussianBlur(10))
    img.paste(layer, (x1, y1), layer)


def _finish(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.reduce(S // SIZE).save(out, "JPEG", quality=88)
    return out.getvalue()


def _logo(d: ImageDraw.ImageDraw, kind: str, cx: float, cy: float, color: Color) -> None:
    if kind == "bar":
        d.rounded_rectangle((cx - 16, cy - 3, cx + 16, cy + 3), radius=3, fill=color)
    elif kind == "diamond":
        d.polygon([(cx, cy - 10), (cx + 8, cy), (cx, cy + 10), (cx - 8, cy)], fill=color)
    elif kind == "ring":
        d.ellipse((cx - 9, cy - 9, cx + 9, cy + 9), outline=color, width=3)
    elif kind == "apple":
        d.ellipse((cx - 14, cy - 12, cx + 14, cy + 14), fill=color)
        d.ellipse((cx + 6, cy - 8, cx + 20, cy + 4), fill=None)
    else:
        d.ellipse((cx - 5, cy - 5, cx + 5, cy + 5), fill=color)


def _side_poly(x: float, y1: float, y2: float, width: float, left: bool) -> list[tuple]:
    """A face seen at an angle: a trapezoid that shrinks away from the viewer."""
    k = width * 0.16
    far = x - width if left else x + width
    return [(far, y1 + k), (x, y1), (x, y2), (far, y2 - k * 0.6)]


# --------------------------------------------------------------------------- desktops


def _office_tower(ch: Chassis, slim: bool) -> Image.Image:
    img, d = _canvas()
    h = 470 * ch.height * (1.05 if slim else 1.0)
    fw = (130 if slim else 200) * ch.width
    depth = 170 if slim else 190
    if slim and ch.width > 1.2:  # small-form-factor lying flat
        h, fw, depth = 170 * ch.height, 330, 200
    y2 = S / 2 + h / 2 + 20
    y1 = y2 - h
    x1 = S / 2 - (fw - depth * 0.55) / 2
    x2 = x1 + fw
    _shadow(img, (x1 - depth * 0.6, y2 - 25, x2 + 30, y2 + 30))
    side = _side_poly(x1, y1, y2, depth * 0.55, left=True)
    d.polygon(side, fill=_shade(ch.body, 0.78 if sum(ch.body) > 400 else 0.7))
    # side vents
    for i in range(6):
        for j in range(4):
            vx = x1 - depth * 0.45 + j * 14
            vy = y1 + 60 + i * 16 + j * 2
            if vy < y2 - 40:
                d.ellipse((vx, vy, vx + 5, vy + 5), fill=_shade(ch.body, 0.5))
    front = ch.front or ch.body
    d.rounded_rectangle((x1, y1, x2, y2), radius=8, fill=front)
    d.rectangle((x1, y1, x1 + 6, y2), fill=_shade(front, 0.9))
    grooves = 3 if slim else 5
    for i in range(grooves):
        gx = x1 + fw * (0.55 + 0.07 * i)
        d.line((gx, y1 + 20, gx, y2 - 20), fill=_shade(front, 0.85), width=2)
    d.ellipse((x1 + 22, y1 + 22, x1 + 40, y1 + 40), outline=ch.accent, width=3)
    for i in range(2):
        d.rectangle((x1 + 22, y1 + 60 + i * 22, x1 + 30, y1 + 74 + i * 22), fill=(20, 20, 22))
    if not slim:
        d.line((x1 + 15, y1 + 120, x2 - 15, y1 + 120), fill=_shade(front, 0.8), width=2)
    _logo(d, ch.logo, (x1 + x2) / 2, y2 - 45, ch.accent)
    if slim and ch.width <= 1.2:  # stand
        d.rounded_rectangle((x1 - 40, y2 - 6, x2 + 10, y2 + 8), radius=4, fill=(40, 40, 44))
    return img


def _mini(ch: Chassis) -> Image.Image:
    img, d = _canvas()
    fw, h, depth = 330 * ch.width, 90 * ch.height, 220
    x1 = S / 2 - fw / 2 + 30
    y2 = S / 2 + 80
    y1 = y2 - h
    _shadow(img, (x1 - 140, y2 - 20, x1 + fw + 20, y2 + 26))
    # top face as a flat parallelogram
    top = [(x1, y1), (x1 + fw, y1), (x1 + fw - 90, y1 - depth * 0.5), (x1 - 90, y1 - depth * 0.5)]
    d.polygon(top, fill=_shade(ch.body, 1.15 if sum(ch.body) < 300 else 0.95))
    side = [(x1, y1), (x1 - 90, y1 - depth * 0.5), (x1 - 90, y2 - depth * 0.5), (x1, y2)]
    d.polygon(side, fill=_shade(ch.body, 0.75))
    d.rectangle((x1, y1, x1 + fw, y2), fill=ch.body)
    for i in range(3):
        px = x1 + fw * 0.45 + i * 26
        d.rectangle((px, y1 + h * 0.4, px + 16, y1 + h * 0.4 + 9), fill=(15, 15, 18))
    d.ellipse((x1 + fw - 38, y1 + h * 0.35, x1 + fw - 22, y1 + h * 0.35 + 16), outline=ch.accent,
              width=3)  # fmt: skip
    _logo(d, ch.logo, x1 + 40, y1 + h / 2, ch.accent)
    return img


def _mac(ch: Chassis) -> Image.Image:
    img, d = _canvas()
    w = 380 * ch.width
    x1, x2 = S / 2 - w / 2, S / 2 + w / 2
    ytop, yfront = S / 2 - 90, S / 2 + 40
    _shadow(img, (x1 - 10, yfront + 20, x2 + 10, yfront + 75), 60)
    d.rounded_rectangle((x1, yfront - 30, x2, yfront + 45), radius=26, fill=_shade(ch.body, 0.8))
    d.rounded_rectangle((x1, ytop, x2, yfront + 10), radius=40, fill=_shade(ch.body, 1.1))
    d.rounded_rectangle((x1 + 4, ytop + 4, x2 - 4, yfront + 6), radius=38, outline=ch.body, width=3)
    _logo(d, "apple", S / 2, (ytop + yfront) / 2, _shade(ch.body, 0.85))
    d.ellipse((x2 - 40, yfront + 22, x2 - 34, yfront + 28), fill=(120, 230, 140))
    return img


def _aio(ch: Chassis, seed: str) -> Image.Image:
    img, d = _canvas()
    rng = random.Random(seed)
    w, h = 500, 300
    x1, y1 = S / 2 - w / 2, 90
    x2, y2 = x1 + w, y1 + h
    chin = 55 if ch.logo == "apple" else 18
    _shadow(img, (S / 2 - 150, y2 + chin + 120, S / 2 + 150, y2 + chin + 160), 60)
    d.polygon(
        [(S / 2 - 50, y2), (S / 2 + 50, y2), (S / 2 + 70, y2 + chin + 140),
         (S / 2 - 70, y2 + chin + 140)],
        fill=_shade(ch.body, 0.85),
    )  # fmt: skip
    d.rounded_rectangle((S / 2 - 130, y2 + chin + 130, S / 2 + 130, y2 + chin + 148), radius=8,
                        fill=_shade(ch.body, 0.9))  # fmt: skip
    bezel = (25, 25, 28) if ch.logo != "apple" else (245, 245, 245)
    d.rounded_rectangle((x1, y1, x2, y2 + chin), radius=14, fill=ch.body)
    d.rectangle((x1, y1, x2, y2), fill=bezel)
    a = _shade(ch.accent if ch.logo != "apple" else ch.body, 1.2)
    b = (rng.randint(20, 120), rng.randint(40, 160), rng.randint(120, 230))
    for i in range(int(h - 20)):
        d.line((x1 + 10, y1 + 10 + i, x2 - 10, y1 + 10 + i), fill=_mix(b, a, i / h))
    d.ellipse((x1 + w * 0.55, y1 + h * 0.2, x1 + w * 0.95, y1 + h * 0.9), fill=_mix(a, b, 0.3))
    _logo(d, ch.logo, S / 2, y2 + chin / 2, _shade(ch.body, 0.7))
    return img


def _gaming(ch: Chassis, gpu_look: str, cube: bool = False, alien: bool = False) -> Image.Image:
    """A glass-panel tower: the wide face is the glass side, the narrow face the front."""
    img, d = _canvas()
    h = 430 * ch.height * (1.0 if not cube else 0.9)
    sw = (290 if not cube else 210) * ch.width  # side (glass) width
    fw = 120 if not cube else 90  # front width as seen at an angle
    x1 = S / 2 - (sw + fw) / 2
    x2 = x1 + sw
    y2 = S / 2 + h / 2 + 15
    y1 = y2 - h
    _shadow(img, (x1 - 10, y2 - 25, x2 + fw + 10, y2 + 30))
    frame = ch.body
    dark = sum(frame) < 300
    glass = (18, 18, 22) if dark else (215, 218, 224)
    front = _side_poly(x2, y1, y2, fw, left=False)
    d.polygon(front, fill=_shade(frame, 0.85 if dark else 0.92))
    lights = list(ch.lights) or [ch.accent]
    rings = []
    if alien:
        cx = x2 + fw * 0.5
        box = (cx - fw * 0.32, y1 + h * 0.25, cx + fw * 0.32, y1 + h * 0.75)
        rings.append((box, ch.accent))
    else:
        for i in range(3):
            cy = y1 + h * (0.22 + 0.26 * i)
            r = h * 0.1
            cx = x2 + fw * 0.5
            rings.append(((cx - r * 0.55, cy - r, cx + r * 0.55, cy + r), lights[i % len(lights)]))
    # the side: frame and glass with the parts behind it
    d.rounded_rectangle((x1, y1, x2, y2), radius=6, fill=frame)
    gx1, gy1, gx2, gy2 = x1 + 12, y1 + 12, x2 - 10, y2 - 40
    d.rectangle((gx1, gy1, gx2, gy2), fill=glass)
    if alien:
        d.rectangle((gx1, gy1, gx2, gy2), fill=_shade(frame, 0.92 if not dark else 1.2))
        for i in range(9):
            vy = gy1 + 30 + i * (gy2 - gy1 - 60) / 8
            d.line((gx1 + 30, vy, gx2 - 30, vy), fill=_shade(frame, 0.8), width=3)
    else:
        board = _shade(glass, 1.25) if dark else _shade(glass, 0.85)
        d.rectangle((gx1 + 40, gy1 + 20, gx2 - 30, gy1 + (gy2 - gy1) * 0.62), fill=board)
        # CPU cooler and rear fan
        cr = (gy2 - gy1) * 0.1
        ccx, ccy = gx1 + (gx2 - gx1) * 0.45, gy1 + (gy2 - gy1) * 0.28
        rings.append(((ccx - cr, ccy - cr, ccx + cr, ccy + cr), lights[-1]))
        rr = cr * 0.9
        rings.append(((gx1 + 8, gy1 + 20, gx1 + 8 + 2 * rr, gy1 + 20 + 2 * rr), lights[0]))
        for i in range(2):  # RAM sticks
            rx = gx1 + (gx2 - gx1) * (0.66 + 0.05 * i)
            d.rectangle((rx, ccy - cr, rx + 8, ccy + cr), fill=lights[i % len(lights)])
        if gpu_look:
            size = int(gpu_look[-1])
            vendor = gpu_look[:-1]
            stripe = {"nvidia": (150, 155, 160), "amd": (200, 30, 40), "intel": (60, 100, 220)}
            gl = (gx2 - gx1) * (0.45 + 0.12 * size)
            gh = 26 + 10 * size
            gy = gy1 + (gy2 - gy1) * 0.55
            d.rounded_rectangle((gx1 + 45, gy, gx1 + 45 + gl, gy + gh), radius=5,
                                fill=(38, 38, 42) if vendor != "intel" else (30, 34, 50))  # fmt: skip
            d.rectangle((gx1 + 45, gy + gh - 6, gx1 + 45 + gl, gy + gh - 2),
                        fill=stripe.get(vendor, (150, 150, 150)))  # fmt: skip
        # power-supply shroud
        d.rectangle((gx1, gy2 - (gy2 - gy1) * 0.2, gx2, gy2), fill=_shade(frame, 0.8))
        # glass reflection
        d.polygon([(gx1 + 20, gy2), (gx1 + 70, gy2), (gx2 - 60, gy1), (gx2 - 110, gy1)],
                  fill=_mix(glass, (255, 255, 255), 0.07))  # fmt: skip
    _glow(img, rings)
    d = ImageDraw.Draw(img)
    for box, color in rings:
        d.ellipse(box, outline=_shade(color, 1.3), width=6)
        hub = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        d.ellipse((hub[0] - 6, hub[1] - 6, hub[0] + 6, hub[1] + 6), fill=(30, 30, 34))
    d.rectangle((x1, y2 - 40, x2, y2), fill=_shade(frame, 0.9))
    _logo(d, ch.logo, x1 + 40, y2 - 20, ch.accent)
    for fx in (x1 + 20, x2 - 40):  # feet
        d.rectangle((fx, y2, fx + 24, y2 + 8), fill=(40, 40, 44))
    return img


@functools.lru_cache(maxsize=1024)
def draw_desktop(chassis: Chassis, gpu_look: str = "", key: str = "") -> bytes:
    """JPEG bytes of a desktop photo for a chassis (and the card seen through its glass)."""
    style = chassis.style
    if style == "gaming":
        img = _gaming(chassis, gpu_look)
    elif style == "cube":
        img = _gaming(chassis, gpu_look, cube=True)
    elif style == "alien":
        img = _gaming(chassis, gpu_look, alien=True)
    elif style == "slim":
        img = _office_tower(chassis, slim=True)
    elif style == "mini":
        img = _mini(chassis)
    elif style == "mac":
        img = _mac(chassis)
    elif style == "aio":
        img = _aio(chassis, key)
    else:
        img = _office_tower(chassis, slim=False)
    return _finish(img)


# --------------------------------------------------------------------------- other categories


def draw_sofa(p: dict) -> bytes:
    """A sofa seen from the front: ``seats``, ``color``, ``arm`` (round/square/none), ``legs``."""
    img, d = _canvas()
    color = tuple(p["color"])
    seats, w = p["seats"], 150 + 110 * p["seats"]
    w = min(w, 600)
    x1, x2 = S / 2 - w / 2, S / 2 + w / 2
    base = S / 2 + 110
    back_h = p["back"]
    _shadow(img, (x1 - 10, base + 20, x2 + 10, base + 60), 60)
    leg = (90, 60, 35) if p["legs"] == "wood" else (50, 50, 52)
    if p["legs"] != "none":
        for lx in (x1 + 30, x2 - 44):
            d.rectangle((lx, base, lx + 14, base + 34), fill=leg)
    d.rounded_rectangle((x1 + 20, base - 110 - back_h, x2 - 20, base - 60), radius=30,
                        fill=_shade(color, 0.85))  # fmt: skip
    d.rounded_rectangle((x1, base - 90, x2, base + 4), radius=18, fill=_shade(color, 0.9))
    arm = 60 if p["arm"] != "none" else 0
    inner = (x2 - x1 - 2 * arm) / seats
    for i in range(seats):
        cx1 = x1 + arm + i * inner
        d.rounded_rectangle((cx1 + 3, base - 100, cx1 + inner - 3, base - 45), radius=16,
                            fill=color)  # fmt: skip
        d.rounded_rectangle((cx1 + 8, base - 95 - back_h * 0.9, cx1 + inner - 8, base - 105),
                            radius=22, fill=_shade(color, 1.06))  # fmt: skip
    if arm:
        r = 28 if p["arm"] == "round" else 8
        for ax in (x1, x2 - arm):
            d.rounded_rectangle((ax, base - 150, ax + arm, base + 4), radius=r,
                                fill=_shade(color, 0.95))  # fmt: skip
    if p.get("pillow"):
        pc = tuple(p["pillow"])
        d.rounded_rectangle((x1 + arm + 12, base - 165, x1 + arm + 92, base - 100), radius=18,
                            fill=pc)  # fmt: skip
    return _finish(img)


def draw_padding(p: dict) -> bytes:
    """A puffer jacket from the front: ``color``, ``length`` (0 short … 2 long), ``hood``."""
    img, d = _canvas()
    color = tuple(p["color"])
    length = p["length"]
    top, bottom = 140, 430 + 80 * length
    bw = 250
    x1, x2 = S / 2 - bw / 2, S / 2 + bw / 2
    # sleeves
    for side in (-1, 1):
        sx = x1 if side < 0 else x2
        poly = [(sx, top + 20), (sx + side * 85, top + 120), (sx + side * 95, bottom - 60),
                (sx + side * 45, bottom - 60), (sx + side * 20, top + 150)]  # fmt: skip
        d.polygon(poly, fill=_shade(color, 0.88))
        for k in range(4):
            y = top + 120 + k * (bottom - 180 - top) / 4
            d.line((sx + side * 30, y, sx + side * 92, y + 10), fill=_shade(color, 0.7), width=3)
    d.rounded_rectangle((x1, top, x2, bottom), radius=30, fill=color)
    baffles = 5 + length * 2
    for k in range(1, baffles):
        y = top + k * (bottom - top) / baffles
        d.line((x1 + 4, y, x2 - 4, y), fill=_shade(color, 0.72), width=4)
        d.line((x1 + 10, y - 14, x2 - 10, y - 14), fill=_shade(color, 1.15), width=3)
    if p["hood"]:
        d.ellipse((S / 2 - 85, top - 95, S / 2 + 85, top + 45), fill=_shade(color, 0.9))
        d.ellipse((S / 2 - 50, top - 60, S / 2 + 50, top + 30), fill=_shade(color, 0.45))
    else:
        d.rounded_rectangle((S / 2 - 70, top - 40, S / 2 + 70, top + 20), radius=14,
                            fill=_shade(color, 0.92))  # fmt: skip
    zip_color = (40, 40, 40) if sum(color) > 300 else (190, 190, 190)
    d.line((S / 2, top - 30, S / 2, bottom), fill=zip_color, width=5)
    if p.get("pockets"):
        for side in (-1, 1):
            px = S / 2 + side * 70
            d.line((px - 25, bottom - 150, px + 25 * side * 0 + 25, bottom - 150),
                   fill=_shade(color, 0.55), width=4)  # fmt: skip
    if p.get("patch"):
        d.rectangle((x2 - 70, top + 60, x2 - 35, top + 80), fill=tuple(p["patch"]))
    return _finish(img)


def draw_shoe(p: dict) -> bytes:
    """A shoe from the side: ``upper``, ``sole``, ``accent`` colours, ``height`` (0 low … 2 boot)."""
    img, d = _canvas()
    upper, sole, accent = tuple(p["upper"]), tuple(p["sole"]), tuple(p["accent"])
    h = p["height"]
    x1, x2 = 80, 580
    base = 430
    top = base - 200 - 80 * h
    _shadow(img, (x1, base + 5, x2, base + 45), 60)
    d.rounded_rectangle((x1, base - 40, x2, base + 12), radius=22, fill=sole)
    d.line((x1 + 20, base - 8, x2 - 20, base - 8), fill=_shade(sole, 0.8), width=3)
    heel_x = x1 + 10
    body = [
        (heel_x, base - 40), (heel_x, top + 30), (heel_x + 40, top), (heel_x + 170, top + 10),
        (heel_x + 220, base - 150), (x2 - 120, base - 115), (x2 - 20, base - 80),
        (x2 - 5, base - 40),
    ]  # fmt: skip
    d.polygon(body, fill=upper)
    d.chord((x2 - 170, base - 125, x2 - 5, base + 10), 180, 360, fill=_shade(upper, 0.95))
    # toe cap, heel tab and laces
    d.chord((x2 - 110, base - 95, x2 - 5, base + 5), 200, 340, fill=_shade(upper, 0.85))
    d.rectangle((heel_x - 6, top + 25, heel_x + 18, top + 90), fill=accent)
    d.polygon(
        [
            (heel_x + 22, top + 22),
            (heel_x + 45, top + 8),
            (heel_x + 160, top + 18),
            (heel_x + 150, top + 34),
            (heel_x + 40, top + 36),
        ],
        fill=_shade(upper, 0.4),
    )
    for k in range(4 + h):
        lx = heel_x + 175 + k * 24
        ly = top + 30 + k * (base - 150 - top) / (4 + h)
        d.line((lx - 18, ly - 4, lx + 18, ly + 10), fill=_shade(upper, 0.6), width=5)
    if p["stripe"] == "swoop":
        d.arc((heel_x + 40, base - 170, x2 - 110, base - 10), 150, 330, fill=accent, width=16)
    elif p["stripe"] == "bars":
        for k in range(3):
            sx = heel_x + 150 + k * 34
            d.line((sx, base - 45, sx + 45, top + 40 + k * 6), fill=accent, width=12)
    else:
        d.line((heel_x + 30, base - 70, x2 - 140, base - 70), fill=accent, width=10)
    return _finish(img)
