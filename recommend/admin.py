import json

from django.contrib import admin

from recommend.models import CachedReason, UseCase
from recommend.services import retry_reasons


@admin.register(UseCase)
class UseCaseAdmin(admin.ModelAdmin):
    """The use-case table: weights and requirements (defaults from migration 0002)."""

    list_display = ("label", "key", "cpu_weight", "gpu_weight", "min_vram_gb", "prefers_nvidia",
                    "min_ram_gb", "needs_discrete_gpu", "low_price_under", "low_power_under_w", "order")  # fmt: skip
    list_editable = ("cpu_weight", "gpu_weight", "order")
    readonly_fields = ("key",)

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # the API's use values and the pages name these rows


@admin.register(CachedReason)
class CachedReasonAdmin(admin.ModelAdmin):
    """Cached reasons with the facts they were given, the raw LLM answer and why one was
    rejected."""

    list_display = ("product", "use_case", "status", "text", "rejection", "attempts", "updated_at")
    list_filter = ("status", "use_case")
    search_fields = ("product__name", "text", "rejection")
    readonly_fields = ("product", "use_case", "facts_hash", "facts_pretty", "status", "text",
                       "raw_answer", "rejection", "attempts", "model_name", "created_at", "updated_at")  # fmt: skip
    exclude = ("facts",)
    actions = ["ask_again"]

    @admin.display(description="프롬프트에 준 사실")
    def facts_pretty(self, obj: CachedReason) -> str:
        return json.dumps(obj.facts, ensure_ascii=False, indent=2)

    @admin.action(description="자동 작성 문구로 끝난 이유를 LLM에 다시 요청")
    def ask_again(self, request: object, queryset: object) -> None:
        n = retry_reasons(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{n}개를 다시 요청했습니다.")

    def has_add_permission(self, request: object) -> bool:
        return False
