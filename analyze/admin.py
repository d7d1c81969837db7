from django.contrib import admin

from analyze.models import DoorRequest


@admin.register(DoorRequest)
class DoorRequestAdmin(admin.ModelAdmin):
    """Crawls asked for at the front door: read-only (the door and its task write them)."""

    list_display = ("pcode", "status", "failure", "product", "created_at", "finished_at")
    list_filter = ("status", "failure")
    search_fields = ("pcode",)
    readonly_fields = [f.name for f in DoorRequest._meta.fields]
    list_select_related = ("product",)

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
