"""Small synthetic data and tiny training settings for the pricing tests."""

from __future__ import annotations

import random

from pricing.ml.ensemble import TrainConfig
from pricing.ml.features import SpecRecord

CPUS = [("Intel Core i3-12100", 14000), ("Intel Core i5-12400F", 19500),
        ("Intel Core i7-12700", 31000), ("AMD Ryzen 5 5600X", 22000),
        ("AMD Ryzen 7 5800X", 28000)]  # fmt: skip
GPUS = [("", None), ("GeForce GTX 1650", 7800), ("GeForce RTX 3060", 17000),
        ("GeForce RTX 3070", 22000), ("Radeon RX 6600", 15000)]  # fmt: skip
BRANDS = ["삼성전자", "LG전자", "한성컴퓨터", "주연테크"]


def tiny_config(**overrides: object) -> TrainConfig:
    """Reference hyper-parameters, but few epochs, few trees and a tiny image backbone."""
    values = {"max_epochs": 3, "patience": 2, "gbm_estimators": 40, "backbone": "test_efficientnet",
              "lr": 1e-3, "min_rows": 20, "workers": 1}  # fmt: skip
    values.update(overrides)
    return TrainConfig(**values)


def price_of(cpu_score: float, gpu_score: float | None, ram: int, ssd: int, brand: str) -> int:
    value = 250_000 + cpu_score * 12 + (gpu_score or 0) * 30 + ram * 6_000 + ssd * 150
    value *= 1.15 if brand == "삼성전자" else 1.0
    return int(round(value, -3))


def synthetic_records(n: int = 120, seed: int = 0) -> list[SpecRecord]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cpu, cpu_score = rng.choice(CPUS)
        gpu, gpu_score = rng.choice(GPUS)
        ram = rng.choice([8, 16, 32])
        ssd = rng.choice([256, 512, 1000])
        brand = rng.choice(BRANDS)
        price = price_of(cpu_score, gpu_score, ram, ssd, brand) * rng.uniform(0.95, 1.05)
        out.append(
            SpecRecord(
                key=f"p{i}",
                name=f"{brand} 데스크톱 {cpu} {gpu} {ram}GB",
                kind="desktop",
                manufacturer=brand,
                cpu_model=cpu,
                gpu_model=gpu,
                cpu_score=cpu_score,
                gpu_score=gpu_score,
                ram_gb=ram,
                ssd_gb=ssd,
                integrated_gpu=not gpu,
                price=int(price),
            )  # fmt: skip
        )
    return out


def write_passmark(directory: object) -> None:
    """A two-file PassMark folder with the parts used above."""
    from pathlib import Path

    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    cpu_lines = ["cpuName,cpuMark"] + [f"{n},{s}" for n, s in CPUS]
    gpu_lines = ["gpuName,G3Dmark"] + [f"{n},{s}" for n, s in GPUS if n]
    (root / "CPU_benchmark_v4.csv").write_text("\n".join(cpu_lines) + "\n", encoding="utf-8-sig")
    (root / "GPU_benchmarks_v7.csv").write_text("\n".join(gpu_lines) + "\n", encoding="utf-8-sig")


def write_product_csv(path: object, records: list[SpecRecord], prices: bool = True) -> None:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "category", "price", "manufacturer", "specs"])
        for r in records:
            korean_cpu = r.cpu_model.replace("Intel Core ", "인텔 코어")
            specs = " / ".join(p for p in [korean_cpu, r.gpu_model, f"RAM {r.ram_gb}GB",
                                           f"SSD {r.ssd_gb}GB"] if p)  # fmt: skip
            writer.writerow(
                [
                    f"{r.manufacturer} PC {r.key}",
                    "desktop",
                    r.price if prices else "",
                    r.manufacturer,
                    specs,
                ]  # fmt: skip
            )


# A catalog shaped like the demo's: graphics memory, operating system and form factor move the
# price, and a PC without a graphics card lists the CPU's integrated graphics (with its score).
IGPU = ("Intel UHD 730", 1550)
VRAM = {"GeForce GTX 1650": 4, "GeForce RTX 3060": 12, "GeForce RTX 3070": 8,
        "Radeon RX 6600": 8}  # fmt: skip
OS_PRICE = {"Windows 11 Home": 150_000, "Windows 11 Pro": 250_000, "미포함": 0}
FORMS = {"미들타워": 0, "미니PC": 60_000}
LINES = {"삼성전자": "DM500", "LG전자": "B80", "한성컴퓨터": "보스몬스터", "주연테크": "리오나인"}


def demo_like_records(n: int = 160, seed: int = 0) -> list[SpecRecord]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cpu, cpu_score = rng.choice(CPUS)
        gpu, gpu_score = rng.choice(GPUS)
        if not gpu and cpu.startswith("AMD"):
            gpu, gpu_score = GPUS[2]  # a Ryzen without graphics needs a card
        integrated = not gpu
        if integrated:
            gpu, gpu_score = IGPU
        brand = rng.choice(BRANDS)
        ram = rng.choice([8, 16, 32])
        ssd = rng.choice([256, 512, 1000])
        os_name = rng.choice(list(OS_PRICE))
        form = "미니PC" if integrated and rng.random() < 0.5 else "미들타워"
        vram = None if integrated else VRAM[gpu]
        price = price_of(cpu_score, None if integrated else gpu_score, ram, ssd, brand)
        price += (vram or 0) * 25_000 + OS_PRICE[os_name] + FORMS[form]
        out.append(
            SpecRecord(
                key=f"d{i}",
                name=f"{brand} {LINES[brand]} {cpu.split()[-1]}-{i % 7}",
                kind="desktop",
                manufacturer=brand,
                cpu_model=cpu,
                gpu_model=gpu,
                cpu_score=cpu_score,
                gpu_score=gpu_score,
                ram_gb=ram,
                ssd_gb=ssd,
                vram_gb=vram,
                os=os_name,
                form_factor=form,
                integrated_gpu=integrated,
                price=int(price * rng.uniform(0.97, 1.03)),
            )  # fmt: skip
        )
    return out
