"""The "용도별 추천" page and the "이 PC는 어떤 용도에 맞나" product-page panel."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from catalog.models import CategoryKind
from recommend.compare import MAX_COMPARED, CompareError, compare, parse_ids
from recommend.forms import RecommendForm
from recommend.models import UseCase
from recommend.querysets import FRESH_DAYS, PEER_BAND, peer_ranks, reasons_by_id, references
from recommend.reasons import TEMPLATE_LABEL
from recommend.results import recommend
from recommend.scoring import SCORING_NOTE, UNSCORED_LABEL
from recommend.services import client_may_queue

PANEL_TEMPLATE = "recommend/_panel.html"
PANEL_VERSION = "v1"  # the cached panel's format (catalog.panels): bump when the panel changes
MAX_POLLED = 20


def recommend_page(request: HttpRequest) -> HttpResponse:
    """Form + results. Without a query the form alone (and how we score)."""
    form = RecommendForm(request.GET or None)
    context: dict[str, object] = {
        "form": form,
        "scoring_note": SCORING_NOTE,
        "use_cases": list(UseCase.objects.all()),
        "template_label": TEMPLATE_LABEL,
        "fresh_days": FRESH_DAYS,
    }
    status = 200
    if form.is_bound:
        if form.is_valid():
            context["result"] = recommend(form.query(), may_queue=client_may_queue(request))
        else:
            status = 400
    return render(request, "recommend/page.html", context, status=status)


def product_panel(request: HttpRequest, product: object) -> tuple[str, dict] | None:
    """Each use case's score of a desktop and its rank among its budget peers (±20 %)."""
    context: dict[str, object] = {"product": product, "unscored_label": UNSCORED_LABEL}
    if getattr(product.category, "kind", None) != CategoryKind.DESKTOP:
        context["not_desktop"] = True  # said plainly, not as "준비 중"
        return PANEL_TEMPLATE, context
    uses = list(UseCase.objects.all())
    if product.cpu_score is None or product.gpu_score is None:
        context["unscored"] = True
        return PANEL_TEMPLATE, context
    ranks = peer_ranks(product, uses, references())
    context.update(
        rows=[
            {"use": u, "score": ranks["scores"][u.key], "rank": ranks["ranks"].get(u.key)}
            for u in uses
        ],
        peers=ranks["peers"],
        band=round(PEER_BAND * 100),
        priced=bool(product.current_price),
    )
    return PANEL_TEMPLATE, context


def reasons_json(request: HttpRequest) -> JsonResponse:
    """GET /recommend/reasons/?ids=1,2: the page's small script polls this until the LLM's
    reasons arrive (or fall back to the template)."""
    ids = []
    for part in request.GET.get("ids", "").split(",")[:MAX_POLLED]:
        if part.strip().isdigit():
            ids.append(int(part))
    return JsonResponse({"reasons": reasons_by_id(ids)})


def compare_page(request: HttpRequest) -> HttpResponse:
    """Up to four products side by side; the address names them, so it can be shared."""
    context: dict[str, object] = {"max_compared": MAX_COMPARED}
    try:
        ids = parse_ids(request.GET.getlist("ids"))
    except CompareError as exc:
        context["error"] = str(exc)
        return render(request, "recommend/compare.html", context, status=400)
    products, rows, missing = compare(ids)
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    ids_text = ",".join(str(p.pk) for p in products)
    context.update(
        columns=[
            {"product": p, "without": ",".join(str(q.pk) for q in products if q.pk != p.pk)}
            for p in products
        ],
        groups=groups,
        missing=missing,
        ids=ids_text,
        share_url=request.build_absolute_uri(f"{request.path}?ids={ids_text}"),
    )
    return render(request, "recommend/compare.html", context)
