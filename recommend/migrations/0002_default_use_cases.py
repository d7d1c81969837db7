"""The default use-case table as data (issue 11): weights CPU/GPU and plain requirements."""

from django.db import migrations

DEFAULTS = [
    # key, label, order, cpu, gpu, description, extra requirements
    ("office", "사무·업무", 1, 70, 30, "문서·웹·화상회의", {"low_price_under": 1_000_000, "low_power_under_w": 100}),
    ("dev", "개발", 2, 60, 40, "코드 빌드·가상머신·컨테이너", {"min_ram_gb": 16}),
    ("gaming", "게이밍", 3, 40, 60, "최신 게임", {"needs_discrete_gpu": True}),
    ("design", "디자인", 4, 45, 55, "사진·영상 편집, 3D", {"min_ram_gb": 32}),
    ("ai", "AI·ML", 5, 35, 65, "딥러닝 학습·로컬 LLM", {"min_vram_gb": 12, "prefers_nvidia": True, "needs_discrete_gpu": True}),
]  # fmt: skip


def insert_defaults(apps, schema_editor):  # noqa: ANN001, ANN201 - migration signature
    UseCase = apps.get_model("recommend", "UseCase")
    for key, label, order, cpu, gpu, description, extra in DEFAULTS:
        UseCase.objects.get_or_create(
            key=key,
            defaults={"label": label, "order": order, "cpu_weight": cpu, "gpu_weight": gpu,
                      "description": description, **extra},
        )  # fmt: skip


def remove_defaults(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("recommend", "UseCase").objects.filter(key__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("recommend", "0001_initial")]
    operations = [migrations.RunPython(insert_defaults, remove_defaults)]
