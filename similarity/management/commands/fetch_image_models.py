"""Download the look-alike search's weights (CLIP ViT-B/32, rembg's U2-Net) into MODEL_DIR."""

from __future__ import annotations

import hashlib
import shutil
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from similarity.ml import clip
from similarity.ml.embedders import REMBG_DIRNAME, reset_cache

U2NET_URL = "https://github.com/danielgatis/rembg/releases/download/v0.0.0/u2net.onnx"
U2NET_MD5 = "60024c5c889badc19c04ad937298a77b"


class Command(BaseCommand):
    help = "CLIP ViT-B/32와 rembg(U2-Net) 가중치를 MODEL_DIR에 내려받습니다 (네트워크 필요)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=float, default=15.0, help="연결 제한 시간(초)")
        parser.add_argument("--only", choices=["clip", "rembg"], help="하나만 받기")

    def handle(self, *args: object, **options: object) -> None:
        model_dir = Path(settings.MODEL_DIR)
        failures = []
        if options["only"] in (None, "clip"):
            failures += self._clip(model_dir / clip.DIRNAME)
        if options["only"] in (None, "rembg"):
            failures += self._rembg(model_dir / REMBG_DIRNAME / "u2net.onnx", options["timeout"])
        reset_cache()
        if failures:
            raise CommandError(
                "\n".join(failures)
                + "\n네트워크가 막힌 곳에서는 받을 수 없습니다: 다른 곳에서 받은 파일을 위 경로에 두면 "
                "됩니다. 가중치가 없으면 오프라인 임베더(descriptor)가 쓰입니다. "
                "바꾼 뒤에는 manage.py index_images로 다시 색인합니다."
            )

    def _clip(self, target: Path) -> list[str]:
        if clip.checkpoint_present(target):
            self.stdout.write(f"이미 있습니다: {target}")
            return []
        self.stdout.write(f"Hugging Face {clip.HF_REPO} → {target}")
        try:
            from transformers import CLIPVisionModelWithProjection

            model = CLIPVisionModelWithProjection.from_pretrained(clip.HF_REPO)
        except Exception as exc:  # offline: OSError, requests/httpx errors
            return [f"CLIP을 받지 못했습니다: {type(exc).__name__}: {str(exc)[:300]}"]
        part = target.with_name(target.name + ".part")
        shutil.rmtree(part, ignore_errors=True)
        model.save_pretrained(part)
        shutil.rmtree(target, ignore_errors=True)
        part.rename(target)
        self.stdout.write(self.style.SUCCESS(f"저장했습니다: {target}"))
        return []

    def _rembg(self, target: Path, timeout: float) -> list[str]:
        if target.is_file():
            self.stdout.write(f"이미 있습니다: {target}")
            return []
        self.stdout.write(f"{U2NET_URL} → {target}")
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_suffix(".onnx.part")
        try:
            with urllib.request.urlopen(U2NET_URL, timeout=timeout) as resp, open(part, "wb") as fh:
                shutil.copyfileobj(resp, fh)
        except OSError as exc:
            part.unlink(missing_ok=True)
            return [f"rembg 모델을 받지 못했습니다: {exc}"]
        if hashlib.md5(part.read_bytes()).hexdigest() != U2NET_MD5:  # noqa: S324 - rembg's checksum
            part.unlink(missing_ok=True)
            return ["rembg 모델의 체크섬이 맞지 않습니다."]
        part.rename(target)
        self.stdout.write(self.style.SUCCESS(f"저장했습니다: {target}"))
        return []
