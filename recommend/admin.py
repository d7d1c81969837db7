from django.contrib import admin

from recommend.models import UseCase


@admin.register(UseCase)
class UseCaseAdmin(admin.ModelAdmin):
    """The use-case table: weights and requirements (defaults from migration 0002)."""

    list_display = ("label", "key", "cpu_weight", "gpu_weight", "min_vram_gb", "prefers_nvidia",
                    "min_ram_gb", "needs_discrete_gpu", "low_price_under", "low_power_under_w", "order")  # fmt: skip
    list_editable = ("cpu_weight", "gpu_weight", "order")
    readonly_fields = ("key",)

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # the API's use values and the pages name these rows
