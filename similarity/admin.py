"""Similarity admin: the picture embeddings (read-only, failed rows with their reason and
attempts, the products showing each picture), the "색인 현황" page (counts per embedder, which
one is active and which is serving, failure reasons, the two re-index buttons and the run's
progress), re-index runs, and the near-duplicate candidates with their side-by-side page
(merge through the catalog's merge service, or "같은 상품 아님", remembered).

Writes go through ``similarity.curation`` (``reindex``, ``duplicates``); POST only, with CSRF
(the admin's middleware); a GET never writes.
"""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from catalog.models import DailyLowestPrice, Product
from similarity import services
from similarity.curation import duplicates, reindex
from similarity.curation.titles import normalise
from similarity.models import (
    CandidateStatus,
    DuplicateCandidate,
    ImageEmbedding,
    IndexingRun,
    IndexingRunMode,
)

logger = logging.getLogger(__name__)

LATEST_PRICES = 5
PRODUCTS_SHOWN = 50


def progress_bar(percent: int, status: str, done: int, total: int) -> str:
    """A small inline progress bar (the look of the catalog's job list)."""
    color = {"failed": "#dc2626", "done": "#16a34a"}.get(status, "#2563eb")
    return format_html(
        '<span style="display:inline-block;width:120px;height:10px;background:#e5e7eb;'
        'border-radius:5px;overflow:hidden;vertical-align:middle" role="progressbar" '
        'aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100">'
        '<span style="display:block;height:100%;width:{}%;background:{}"></span></span> '
        "{}% <small>({}/{})</small>",
        percent, percent, color, percent, done, total,
    )  # fmt: skip


def _run_json(run: IndexingRun | None) -> dict | None:
    if run is None:
        return None
    return {
        "id": run.pk,
        "mode": run.mode,
        "mode_label": run.get_mode_display(),
        "embedder": run.embedder,
        "status": run.status,
        "status_label": run.get_status_display(),
        "percent": run.percent,
        "done": run.progress_done,
        "total": run.progress_total,
        "message": run.message,
        "finished": run.status in ("done", "failed"),
    }


# --------------------------------------------------------------------------- embeddings


@admin.register(ImageEmbedding)
class ImageEmbeddingAdmin(admin.ModelAdmin):
    list_display = [
        "short_sha", "embedder", "status", "attempts_display", "background", "error_short",
        "product_count", "updated_at",
    ]  # fmt: skip
    list_filter = ["embedder", "status", "background"]
    search_fields = ["^sha256"]
    fields = [
        "sha256", "embedder", "status", "attempts_display", "error", "background",
        "products_list", "created_at", "updated_at",
    ]  # fmt: skip
    readonly_fields = fields
    change_list_template = "admin/similarity/imageembedding/change_list.html"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows are made by the indexing service

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        showing = (
            Product.objects.filter(image_sha256=OuterRef("sha256"))
            .order_by()
            .values("image_sha256")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .defer("vector")
            .annotate(n_products=Coalesce(Subquery(showing, output_field=IntegerField()), 0))
        )

    @admin.display(description="이미지 해시", ordering="sha256")
    def short_sha(self, obj: ImageEmbedding) -> str:
        return obj.sha256[:12]

    @admin.display(description="시도 횟수", ordering="attempts")
    def attempts_display(self, obj: ImageEmbedding) -> str:
        return f"{obj.attempts} / {ImageEmbedding.MAX_ATTEMPTS}"

    @admin.display(description="실패 이유")
    def error_short(self, obj: ImageEmbedding) -> str:
        if not obj.error:
            return "-"
        text = obj.error if len(obj.error) <= 80 else obj.error[:80] + "…"
        return format_html('<span style="display:inline-block;min-width:14em">{}</span>', text)

    @admin.display(description="상품 수", ordering="n_products")
    def product_count(self, obj: ImageEmbedding) -> int:
        return obj.n_products

    @admin.display(description="이 사진을 쓰는 상품")
    def products_list(self, obj: ImageEmbedding) -> str:
        qs = Product.objects.filter(image_sha256=obj.sha256).order_by("pk")
        total = qs.count()
        if not total:
            return "-"
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> (#{}, 상품 코드 {}){}</li>',
            (
                (
                    reverse("admin:catalog_product_change", args=[p.pk]),
                    p.name,
                    p.pk,
                    p.pcode,
                    "" if p.is_active and not p.merged_into_id else " — 비활성/병합됨",
                )
                for p in qs[:PRODUCTS_SHOWN]
            ),
        )
        more = (
            format_html("<p>… 외 {}개</p>", total - PRODUCTS_SHOWN)
            if total > PRODUCTS_SHOWN
            else ""
        )
        return format_html("<p>{}개 상품</p><ul>{}</ul>{}", total, items, more)

    # ---- the status page

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        extra = [
            path("status/", wrap(self.status_view), name="similarity_imageembedding_status"),
            path(
                "status.json",
                wrap(self.status_json_view),
                name="similarity_imageembedding_status_json",
            ),
            path("reindex/", wrap(self.reindex_view), name="similarity_imageembedding_reindex"),
        ]
        return extra + super().get_urls()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        summary = ImageEmbedding.objects.status_summary(ImageEmbedding.MAX_ATTEMPTS)
        extra = {"status_summary": summary, **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def _status(self) -> dict:
        active = services.active_embedder().key  # type: ignore[attr-defined]
        serving = services.serving_embedder()
        summary = ImageEmbedding.objects.status_summary(ImageEmbedding.MAX_ATTEMPTS)
        summary.setdefault(active, {"indexed": 0, "pending": 0, "failed": 0, "failed_final": 0})
        embedders = [
            {"embedder": key, **counts, "active": key == active, "serving": key == serving}
            for key, counts in sorted(summary.items(), key=lambda kv: (kv[0] != active, kv[0]))
        ]
        running = IndexingRun.objects.running().order_by("-pk").first()
        latest = running or IndexingRun.objects.order_by("-pk").first()
        return {
            "active": active,
            "serving": serving,
            "embedders": embedders,
            "run": latest,
            "running": running is not None,
            "max_attempts": ImageEmbedding.MAX_ATTEMPTS,
        }

    def status_view(self, request: HttpRequest) -> HttpResponse:
        """색인 현황: counts per embedder, failure reasons, re-index buttons and progress."""
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        state = self._status()
        context = {
            **self.admin_site.each_context(request),
            **state,
            "title": "색인 현황",
            "opts": self.model._meta,
            "reasons": ImageEmbedding.objects.failure_reasons(),
            "report": services.model_report(),
            "modes": IndexingRunMode,
            "can_reindex": request.user.has_perm("similarity.add_indexingrun"),
            "status_json_url": reverse("admin:similarity_imageembedding_status_json"),
        }
        return TemplateResponse(request, "admin/similarity/imageembedding/status.html", context)

    def status_json_view(self, request: HttpRequest) -> JsonResponse:
        if not self.has_view_permission(request):
            return JsonResponse({"error": "forbidden"}, status=403)
        state = self._status()
        return JsonResponse(
            {
                "active": state["active"],
                "serving": state["serving"],
                "embedders": state["embedders"],
                "running": state["running"],
                "run": _run_json(state["run"]),
            }
        )

    def reindex_view(self, request: HttpRequest) -> HttpResponseRedirect:
        """POST: queue one re-index run (``mode``: retry_failed or rebuild) on the ml queue."""
        target = reverse("admin:similarity_imageembedding_status")
        if request.method != "POST":
            return HttpResponseRedirect(target)
        if not request.user.has_perm("similarity.add_indexingrun"):
            self.message_user(request, "다시 색인할 권한이 없습니다.", messages.ERROR)
            return HttpResponseRedirect(target)
        mode = request.POST.get("mode", "")
        if mode not in IndexingRunMode.values:
            self.message_user(request, "알 수 없는 색인 종류입니다.", messages.ERROR)
            return HttpResponseRedirect(target)
        try:
            run = reindex.queue_reindex(mode=mode, requested_by=request.user.get_username())
        except reindex.ReindexInProgress as exc:
            self.message_user(
                request,
                f"이미 다시 색인 #{exc.run.pk}이(가) 대기 중이거나 진행 중입니다. "
                "끝난 뒤에 다시 눌러 주세요.",
                messages.WARNING,
            )
            return HttpResponseRedirect(target)
        self.message_user(
            request,
            f"{run.get_mode_display()} #{run.pk}을(를) ml 큐에 넣었습니다 ({run.embedder}).",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(target)


@admin.register(IndexingRun)
class IndexingRunAdmin(admin.ModelAdmin):
    list_display = ["id", "mode", "embedder", "status", "progress", "requested_by",
                    "created_at", "finished_at"]  # fmt: skip
    list_filter = ["mode", "status", "embedder"]
    fields = [
        "mode", "embedder", "status", "progress", "message", "stats", "requested_by",
        "celery_task_id", "created_at", "started_at", "finished_at",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # started from the 색인 현황 page

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="진행률")
    def progress(self, obj: IndexingRun) -> str:
        return progress_bar(obj.percent, obj.status, obj.progress_done, obj.progress_total)


# --------------------------------------------------------------------------- duplicates


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    list_display = ["pair", "reason", "image_distance", "title_score", "status", "decided",
                    "review"]  # fmt: skip
    list_filter = ["status", "reason"]
    search_fields = ["product_a__name", "product_b__name", "=product_a__pcode", "=product_b__pcode"]
    list_select_related = ["product_a", "product_b", "decided_by"]
    change_list_template = "admin/similarity/duplicatecandidate/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # found by find_duplicates

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a decision is kept, so that the pair is never proposed again

    def get_actions(self, request: HttpRequest) -> dict:
        return {}

    @admin.display(description="상품 쌍")
    def pair(self, obj: DuplicateCandidate) -> str:
        return format_html(
            '<span style="display:inline-block;min-width:16em">{} <small>(#{})</small><br>'
            "{} <small>(#{})</small></span>",
            obj.product_a.name, obj.product_a_id, obj.product_b.name, obj.product_b_id,
        )  # fmt: skip

    @admin.display(description="결정", ordering="decided_at")
    def decided(self, obj: DuplicateCandidate) -> str:
        if not obj.decided_at:
            return "-"
        who = obj.decided_by.get_username() if obj.decided_by else "-"
        when = timezone.localtime(obj.decided_at).strftime("%Y-%m-%d %H:%M")
        return format_html("{}<br><small>{}</small>", who, when)

    @admin.display(description="비교")
    def review(self, obj: DuplicateCandidate) -> str:
        url = reverse("admin:similarity_duplicatecandidate_compare", args=[obj.pk])
        label = "나란히 보고 결정" if obj.status == CandidateStatus.PENDING else "보기"
        return format_html('<a href="{}" style="white-space:nowrap">{}</a>', url, label)

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        extra = [
            path(
                "<int:pk>/compare/",
                wrap(self.compare_view),
                name="similarity_duplicatecandidate_compare",
            ),
            path("find/", wrap(self.find_view), name="similarity_duplicatecandidate_find"),
        ]
        return extra + super().get_urls()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        first = (
            DuplicateCandidate.objects.pending()
            .order_by(*DuplicateCandidate._meta.ordering)
            .first()
        )
        extra = {
            "pending_count": DuplicateCandidate.objects.pending().count(),
            "first_pending": first,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        # the side-by-side page is where a candidate is looked at and decided
        if object_id.isdigit():
            return HttpResponseRedirect(
                reverse("admin:similarity_duplicatecandidate_compare", args=[int(object_id)])
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def find_view(self, request: HttpRequest) -> HttpResponseRedirect:
        """POST: queue one recompute of the candidates (``find_duplicate_products``)."""
        target = reverse("admin:similarity_duplicatecandidate_changelist")
        if request.method != "POST":
            return HttpResponseRedirect(target)
        if not self.has_change_permission(request):
            self.message_user(request, "권한이 없습니다.", messages.ERROR)
        elif duplicates.queue_find_duplicates():
            self.message_user(request, "중복 후보 찾기를 작업 큐에 넣었습니다.", messages.SUCCESS)
        else:
            self.message_user(request, "중복 후보 찾기가 이미 대기 중입니다.", messages.WARNING)
        return HttpResponseRedirect(target)

    def _side(self, product: Product, history_days: int) -> dict:
        prices = list(
            DailyLowestPrice.objects.for_product(product.pk).order_by("-day")[:LATEST_PRICES]
        )
        return {
            "product": product,
            "history_days": history_days,
            "prices": prices,
            "codes": sorted(normalise(product.name).codes),
            "admin_url": reverse("admin:catalog_product_change", args=[product.pk]),
            "listed": product.is_active and not product.merged_into_id,
        }

    def compare_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Both products side by side; POST ``decision`` = merge (with ``keep``) or not_same."""
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        candidate = get_object_or_404(DuplicateCandidate.objects.with_products(), pk=pk)
        if request.method == "POST":
            return self._decide(request, candidate)
        a, b = candidate.product_a, candidate.product_b
        days = dict(
            DailyLowestPrice.objects.filter(product_id__in=[a.pk, b.pk])
            .values_list("product_id")
            .annotate(n=Count("day"))
            .values_list("product_id", "n")
        )
        pending = DuplicateCandidate.objects.pending()
        context = {
            **self.admin_site.each_context(request),
            "title": "중복 후보 비교",
            "opts": self.model._meta,
            "candidate": candidate,
            "sides": [self._side(a, days.get(a.pk, 0)), self._side(b, days.get(b.pk, 0))],
            "default_keep": duplicates.default_keep(candidate, days),
            "is_pending": candidate.status == CandidateStatus.PENDING,
            "both_listed": all(p.is_active and not p.merged_into_id for p in (a, b)),
            "can_decide": self.has_change_permission(request, candidate),
            "can_merge": self.has_change_permission(request, candidate)
            and request.user.has_perm("catalog.change_product"),
            "pending_count": pending.count(),
            "next_pending": self._next_pending(candidate),
            "threshold": duplicates.DISTANCE_THRESHOLD,
        }
        return TemplateResponse(
            request, "admin/similarity/duplicatecandidate/compare.html", context
        )

    @staticmethod
    def _next_pending(current: DuplicateCandidate) -> DuplicateCandidate | None:
        return (
            DuplicateCandidate.objects.pending()
            .exclude(pk=current.pk)
            .order_by(*DuplicateCandidate._meta.ordering)
            .first()
        )

    def _decide(self, request: HttpRequest, candidate: DuplicateCandidate) -> HttpResponse:
        here = reverse("admin:similarity_duplicatecandidate_compare", args=[candidate.pk])
        if not self.has_change_permission(request, candidate):
            self.message_user(request, "결정할 권한이 없습니다.", messages.ERROR)
            return HttpResponseRedirect(here)
        decision = request.POST.get("decision", "")
        try:
            if decision == "merge":
                if not request.user.has_perm("catalog.change_product"):
                    self.message_user(request, "상품을 병합할 권한이 없습니다.", messages.ERROR)
                    return HttpResponseRedirect(here)
                try:
                    keep_id = int(request.POST.get("keep", ""))
                except ValueError:
                    self.message_user(request, "남길 상품을 골라 주세요.", messages.ERROR)
                    return HttpResponseRedirect(here)
                keep, moved = duplicates.merge_candidate(
                    candidate.pk, keep_id=keep_id, user=request.user
                )
                other = candidate.other(keep.pk)
                self.message_user(
                    request,
                    f"#{other} 상품을 '{keep.name}'(#{keep.pk})에 병합했습니다 "
                    f"(가격 기록 {moved}건 이동).",
                    messages.SUCCESS,
                )
            elif decision == "not_same":
                duplicates.mark_not_same(candidate.pk, user=request.user)
                self.message_user(
                    request,
                    f"#{candidate.product_a_id}와 #{candidate.product_b_id}는 같은 상품이 아니라고 "
                    "기록했습니다. 다시 제안하지 않습니다.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, "알 수 없는 결정입니다.", messages.ERROR)
                return HttpResponseRedirect(here)
        except duplicates.AlreadyDecided as exc:
            self.message_user(request, f"이미 결정된 후보입니다 ({exc}).", messages.WARNING)
            return HttpResponseRedirect(here)
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(here)
        nxt = self._next_pending(candidate)
        if nxt is not None:
            return HttpResponseRedirect(
                reverse("admin:similarity_duplicatecandidate_compare", args=[nxt.pk])
            )
        return HttpResponseRedirect(reverse("admin:similarity_duplicatecandidate_changelist"))
