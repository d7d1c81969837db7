"""How a desktop is scored for a use case, in plain terms (no database access here).

* CPU Mark and G3D Mark are on different scales, so each is divided by a reference: the 95th
  percentile of the scores of the distinct CPUs (GPUs) that active desktops are matched to, capped
  at 1. A desktop with a CPU at or above that reference gets the whole CPU weight.
* The score is ``cpu_weight × cpu_norm + gpu_weight × gpu_norm`` out of 100.
* A desktop with integrated graphics uses its integrated GPU's G3D Mark when that part is
  matched, and says so.
* A desktop whose CPU or GPU has no benchmark match is never scored 0: it is "성능 정보 부족",
  ranked after the scored ones and counted.
* A use case's requirements (VRAM, RAM, discrete GPU, low price, low power) are notes beside the
  score; a product that misses one is marked, and left out only when the user asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REFERENCE_PERCENTILE = 95
UNSCORED_LABEL = "성능 정보 부족"
SCORING_NOTE = (
    f"CPU Mark와 G3D Mark(PassMark)는 단위가 달라서, 활성 데스크톱에 매칭된 CPU·GPU 점수의 "
    f"상위 {100 - REFERENCE_PERCENTILE}% 지점({REFERENCE_PERCENTILE}번째 백분위수)을 1로 놓고 "
    "나눈 뒤 1에서 자릅니다. 점수 = CPU 가중치 × CPU 비율 + GPU 가중치 × GPU 비율 (100점 만점). "
    "내장 그래픽은 그 내장 GPU의 G3D Mark로 계산합니다. CPU나 GPU의 벤치마크가 없는 상품은 0점으로 "
    f"치지 않고 '{UNSCORED_LABEL}'으로 점수 있는 상품 뒤에 보여 드립니다. "
    "가성비는 1만 원당 점수입니다."
)
NVIDIA_PREFIXES = ("geforce", "nvidia", "quadro", "tesla", "rtx a", "titan")


def is_nvidia(gpu_model: str) -> bool:
    name = (gpu_model or "").strip().lower()
    return name.startswith(NVIDIA_PREFIXES) or name.startswith("rtx ")


def percentile(values: list[int], q: float = REFERENCE_PERCENTILE) -> float | None:
    """Linear-interpolated percentile (numpy's default), None for no values."""
    values = sorted(v for v in values if v)
    if not values:
        return None
    pos = (len(values) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return float(values[lo] + (values[hi] - values[lo]) * (pos - lo))


@dataclass(frozen=True)
class References:
    """The normalisation references: CPU Mark and G3D Mark that count as 1 (None: no matched
    part of that kind, then nothing can be scored)."""

    cpu: float | None
    gpu: float | None
    cpu_parts: int = 0
    gpu_parts: int = 0

    @property
    def usable(self) -> bool:
        return bool(self.cpu and self.gpu)

    def as_dict(self) -> dict[str, object]:
        return {
            "method": f"p{REFERENCE_PERCENTILE} of matched parts, capped at 1",
            "percentile": REFERENCE_PERCENTILE,
            "cpu_mark_reference": round(self.cpu) if self.cpu else None,
            "g3d_mark_reference": round(self.gpu) if self.gpu else None,
            "cpu_parts": self.cpu_parts,
            "gpu_parts": self.gpu_parts,
        }


@dataclass(frozen=True)
class Note:
    """One requirement or preference line: ``ok`` True (met), False (missed), None (unknown).
    ``required`` lines decide "meets the requirements"; the others are preferences."""

    text: str
    ok: bool | None
    required: bool = True

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "ok": self.ok, "required": self.required}


@dataclass
class Facts:
    """What the requirement notes look at, read from the product row."""

    price: int | None
    ram_gb: int | None
    vram_gb: int | None
    gpu_model: str
    gpu_integrated: bool
    cpu_tdp: float | None
    gpu_tdp: float | None
    extra: dict[str, object] = field(default_factory=dict)


def _won(amount: int) -> str:
    if amount % 10_000 == 0:
        return f"{amount // 10_000:,}만 원"
    return f"{amount:,}원"


def requirement_notes(use: object, f: Facts) -> list[Note]:
    """The use case's requirements and preferences for one product, as Korean notes."""
    notes: list[Note] = []
    discrete = bool(f.gpu_model) and not f.gpu_integrated
    if use.needs_discrete_gpu:
        if discrete:
            notes.append(Note("외장 그래픽 있음", True))
        elif not f.gpu_model:
            notes.append(Note("외장 그래픽 필요: 그래픽 정보 없음", None))
        else:
            notes.append(Note("외장 그래픽 필요: 이 PC는 내장 그래픽", False))
    if use.min_vram_gb:
        need = f"VRAM {use.min_vram_gb}GB 이상 필요"
        if not discrete:
            notes.append(Note(f"{need}: 외장 그래픽 없음", False if f.gpu_model else None))
        elif f.vram_gb is None:
            notes.append(Note(f"{need}: VRAM 정보 없음", None))
        else:
            notes.append(Note(f"{need}: 이 PC는 {f.vram_gb}GB", f.vram_gb >= use.min_vram_gb))
    if use.prefers_nvidia:
        if is_nvidia(f.gpu_model):
            notes.append(Note("NVIDIA GPU (CUDA 지원)", True, required=False))
        else:
            notes.append(Note("NVIDIA GPU 권장 (CUDA를 쓰는 도구가 많음)", False, required=False))
    if use.min_ram_gb:
        need = f"RAM {use.min_ram_gb}GB 이상 필요"
        if f.ram_gb is None:
            notes.append(Note(f"{need}: RAM 정보 없음", None))
        else:
            notes.append(Note(f"{need}: 이 PC는 {f.ram_gb}GB", f.ram_gb >= use.min_ram_gb))
    if use.low_price_under and f.price:
        limit = _won(use.low_price_under)
        ok = f.price <= use.low_price_under
        notes.append(
            Note(f"낮은 가격({limit} 이하)" + ("" if ok else ": 넘음"), ok, required=False)
        )
    if use.low_power_under_w:
        watts = (f.cpu_tdp or 0) + (f.gpu_tdp or 0 if discrete else 0)
        if f.cpu_tdp is None or (discrete and f.gpu_tdp is None):
            notes.append(Note("저전력: 소비 전력(TDP) 정보 없음", None, required=False))
        else:
            ok = watts <= use.low_power_under_w
            notes.append(
                Note(
                    f"{'저전력' if ok else '전력 소비 큼'} (CPU·GPU TDP 합 {watts:.0f}W, 기준 "
                    f"{use.low_power_under_w}W)",
                    ok,
                    required=False,
                )
            )
    return notes


def meets_requirements(notes: list[Note]) -> bool:
    return all(n.ok for n in notes if n.required)
