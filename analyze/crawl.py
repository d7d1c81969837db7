"""Crawl on demand: a product the catalog does not have, or has not priced today, is fetched
from Danawa when someone asks for it at the front door.

- ``door_route(pcode)`` (a read) says where a pcode goes: its analysis at once (the product
  has a daily lowest price for today, or was crawled at the door today), the progress of a
  crawl already under way, or a crawl to start.
- ``request_crawl(pcode, client=...)`` (a write, POST only) starts the crawl: one
  ``DoorRequest`` row, and after commit one task on the ``crawl`` queue. At most one request is
  active per pcode (a partial unique constraint), so two people asking at once share one crawl.
  Only new crawls count against the per-client limit ``settings.DOOR_CRAWL_RATE``.
- ``run_door_request(request_id)`` (the task's body) fetches the product page with the
  catalog's crawler (``catalog.danawa.crawler.crawl_product`` through ``DanawaClient``, so only
  Danawa's hosts are ever fetched) into a catalog ``Job``; the product and its price go through
  catalog's services and signals like any crawled product's, so pricing, trends, similarity and
  recommend pick it up.
- ``door_status(pcode)`` (a read) is what the progress page and the status API show. A request
  older than the time limit (plus the task's hard-limit margin) reads as "시간 초과" even while
  its row still says running (a worker that died, or none running); the next start of a crawl
  for that pcode closes it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from analyze.models import DoorFailure, DoorRequest
from catalog.models import DailyLowestPrice, Job, JobKind, Product
from catalog.services import finish_job, mark_finished, mark_running, start_job
from core.progress import JobStatus
from core.ratelimit import Decision, Rate, hit

if TYPE_CHECKING:
    from catalog.danawa.crawler import CrawlReport

logger = logging.getLogger(__name__)

RATE_SCOPE = "door-crawl"
# The task's hard limit comes this long after its soft limit (time to record the failure).
HARD_LIMIT_MARGIN_SECONDS = 10
STALE_MESSAGE = "최신 가격 확인 실패"
# Someone is waiting: a page is tried at most this many more times (the daily crawl's client
# retries settings.DANAWA_MAX_RETRIES times), so that a Danawa that does not answer is reported
# well within the time limit (3 attempts × DANAWA_TIMEOUT_SECONDS 10 s + backoff 1 + 2 s).
MAX_RETRIES = 2


def time_limits() -> tuple[int, int]:
    """(soft, hard) time limits of one crawl on demand, in seconds."""
    soft = settings.DOOR_CRAWL_TIME_LIMIT_SECONDS
    return soft, soft + HARD_LIMIT_MARGIN_SECONDS


def deadline(request: DoorRequest) -> dt.datetime:
    """When an active request counts as timed out."""
    return request.created_at + dt.timedelta(seconds=time_limits()[1])


def crawl_rate() -> Rate:
    return Rate.parse(settings.DOOR_CRAWL_RATE)


def rate_limit_message(decision: Decision) -> str:
    rate = decision.rate
    return (
        f"요청이 너무 많습니다. {rate.window_label}에 {rate.count}번까지 새로 조회할 수 "
        f"있습니다. {decision.retry_after}초 후 다시 시도하세요."
    )


class CrawlRateLimited(Exception):
    """This client started too many crawls; ``retry_after`` seconds until it may again."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        self.retry_after = decision.retry_after
        self.message = rate_limit_message(decision)
        super().__init__(self.message)


def analysis_url(pcode: str, *, stale: bool = False) -> str:
    """The analysis page of ``pcode``; ``stale`` adds ``?stale=1`` (the latest price could not
    be checked: the page says "최신 가격 확인 실패")."""
    url = reverse("analyze:analysis", args=[pcode])
    return f"{url}?stale=1" if stale else url


def status_url(pcode: str) -> str:
    return reverse("analyze:status", args=[pcode])


# --------------------------------------------------------------------------- reads


def known_product(pcode: str) -> Product | None:
    """The catalog's product with this pcode, if it has one."""
    return Product.objects.filter(pcode=pcode).select_related("category").first()


def _start_of_today() -> dt.datetime:
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(today, dt.time.min))


def is_fresh(product: Product) -> bool:
    """Priced today (a daily lowest price for today), or crawled at the door today (a product
    Danawa lists without a price is not fetched again and again)."""
    today = timezone.localdate()
    if DailyLowestPrice.objects.for_product(product.pk).between(today, today).exists():
        return True
    return DoorRequest.objects.for_pcode(product.pcode).done_since(_start_of_today()).exists()


@dataclass(frozen=True)
class DoorRoute:
    """Where a pcode goes: "ready" (its analysis now), "crawling" (``request`` is under way)
    or "crawl" (a crawl must be started; ``product`` is the catalog's, if any)."""

    kind: Literal["ready", "crawling", "crawl"]
    pcode: str
    product: Product | None = None
    request: DoorRequest | None = None


def door_route(pcode: str) -> DoorRoute:
    """Where ``pcode`` goes (reads only; see the module docstring)."""
    product = known_product(pcode)
    if product is not None and is_fresh(product):
        return DoorRoute("ready", pcode, product)
    active = DoorRequest.objects.active().for_pcode(pcode).first()
    if active is not None and timezone.now() < deadline(active):
        return DoorRoute("crawling", pcode, product, active)
    return DoorRoute("crawl", pcode, product)


@dataclass(frozen=True)
class DoorStatus:
    """What the progress page and the status API show for a pcode.

    ``status`` is a ``JobStatus`` value ("queued", "running", "done", "failed") or "none" (no
    request); a request past its deadline reads "failed" with ``failure`` "timeout".
    ``stale``: the crawl failed but the catalog has the product (its last analysis is shown
    with "최신 가격 확인 실패").
    """

    pcode: str
    status: str
    message: str
    failure: str = ""
    request: DoorRequest | None = None
    product: Product | None = None
    seconds_left: int = 0

    @property
    def active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def stale(self) -> bool:
        return self.status == JobStatus.FAILED and self.product is not None

    @property
    def timed_out(self) -> bool:
        return self.failure == DoorFailure.TIMEOUT

    @property
    def analysis_url(self) -> str:
        if self.status == JobStatus.DONE or self.stale:
            return analysis_url(self.pcode, stale=self.stale)
        return ""

    def as_dict(self) -> dict:
        """JSON for the status API."""
        req = self.request
        return {
            "pcode": self.pcode,
            "status": self.status,
            "failure": self.failure,
            "message": self.message,
            "stale": self.stale,
            "analysis_url": self.analysis_url,
            "status_url": status_url(self.pcode),
            "created_at": req.created_at.isoformat() if req else None,
            "finished_at": req.finished_at.isoformat() if req and req.finished_at else None,
            "seconds_left": self.seconds_left,
        }


RUNNING_MESSAGES = {
    JobStatus.QUEUED: "조회 순서를 기다리는 중입니다.",
    JobStatus.RUNNING: "다나와에서 상품 정보와 오늘의 최저가를 가져오는 중입니다.",
    JobStatus.DONE: "다나와에서 가져왔습니다.",
}


def door_status(pcode: str) -> DoorStatus:
    """The latest request for ``pcode`` as the progress page shows it (reads only)."""
    req = DoorRequest.objects.latest_for(pcode)
    if req is None:
        return DoorStatus(pcode, "none", "이 상품 코드로 조회한 적이 없습니다.")
    product = req.product or known_product(pcode)
    if req.is_active:
        left = (deadline(req) - timezone.now()).total_seconds()
        if left <= 0:
            return DoorStatus(
                pcode, JobStatus.FAILED, failure_message(DoorFailure.TIMEOUT, pcode),
                DoorFailure.TIMEOUT, req, product,
            )  # fmt: skip
        return DoorStatus(
            pcode, req.status, RUNNING_MESSAGES[req.status], "", req, product, int(left) + 1
        )
    if req.status == JobStatus.DONE:
        return DoorStatus(pcode, req.status, RUNNING_MESSAGES[JobStatus.DONE], "", req, product)
    message = req.message or failure_message(req.failure or DoorFailure.CRASH, pcode)
    return DoorStatus(pcode, JobStatus.FAILED, message, req.failure, req, product)


# --------------------------------------------------------------------------- writes


@dataclass(frozen=True)
class CrawlStart:
    """The request a caller waits on; ``started``: this call started it (else it joined one)."""

    request: DoorRequest
    started: bool


def request_crawl(pcode: str, *, client: str) -> CrawlStart:
    """Start a crawl of ``pcode`` for ``client`` (an IP address), or join the one under way.

    Raises ``CrawlRateLimited`` when the client has started too many (joining one does not
    count). The task is sent after commit.
    """
    close_overdue(pcode)
    active = DoorRequest.objects.active().for_pcode(pcode).first()
    if active is not None:
        return CrawlStart(active, started=False)
    decision = hit(RATE_SCOPE, client, crawl_rate())
    if not decision.allowed:
        raise CrawlRateLimited(decision)
    product = known_product(pcode)
    try:
        with transaction.atomic():
            req = DoorRequest.objects.create(
                pcode=pcode, product=product, progress_total=1, status=JobStatus.QUEUED
            )
            transaction.on_commit(lambda: _send(req))
    except IntegrityError:
        # someone else's request for this pcode committed first: wait on theirs
        other = DoorRequest.objects.active().for_pcode(pcode).first()
        other = other or DoorRequest.objects.latest_for(pcode)
        if other is None:
            raise
        return CrawlStart(other, started=False)
    logger.info("door: crawl of %s requested (request %s)", pcode, req.pk)
    return CrawlStart(req, started=True)


def _send(req: DoorRequest) -> None:
    from analyze.tasks import crawl_door_request

    try:
        result = crawl_door_request.apply_async(kwargs={"request_id": req.pk})
    except Exception:
        logger.exception("door: could not queue the crawl of %s", req.pcode)
        mark_finished(
            req,
            failed=True,
            failure=DoorFailure.CRASH,
            message="조회 작업을 대기열에 넣지 못했습니다. 잠시 후 다시 시도하세요.",
        )
        return
    task_id = getattr(result, "id", None)
    if task_id:
        DoorRequest.objects.filter(pk=req.pk).update(celery_task_id=str(task_id))


def close_overdue(pcode: str) -> int:
    """Fail the active requests of ``pcode`` past their deadline as timed out; how many."""
    cutoff = timezone.now() - dt.timedelta(seconds=time_limits()[1])
    closed = 0
    for req in DoorRequest.objects.active().for_pcode(pcode).older_than(cutoff):
        closed += mark_finished(
            req,
            failed=True,
            failure=DoorFailure.TIMEOUT,
            message=failure_message(DoorFailure.TIMEOUT, pcode),
        )
    return closed


def failure_message(failure: str, pcode: str) -> str:
    """The Korean sentence for a failure."""
    soft = time_limits()[0]
    return {
        DoorFailure.NOT_FOUND: f"다나와에 상품 코드 {pcode}인 상품이 없습니다. 주소를 다시 확인하세요.",
        DoorFailure.UNKNOWN_TEMPLATE: (
            "다나와 상품 페이지를 읽지 못했습니다 (처음 보는 페이지 구조입니다). "
            "잠시 후 다시 시도하세요."
        ),
        DoorFailure.TIMEOUT: (
            f"시간 초과: 다나와에서 {soft}초 안에 상품 정보를 가져오지 못했습니다. "
            "잠시 후 다시 시도하세요."
        ),
        DoorFailure.UNREACHABLE: "다나와에 연결하지 못했습니다. 잠시 후 다시 시도하세요.",
        DoorFailure.ROBOTS: "다나와가 이 페이지의 수집을 허용하지 않아 가져오지 않았습니다.",
        DoorFailure.NOT_STORED: "상품 정보를 저장하지 못했습니다 (상품의 카테고리를 알 수 없습니다).",
    }.get(failure, "예상하지 못한 오류로 상품을 가져오지 못했습니다. 잠시 후 다시 시도하세요.")


def classify(report: CrawlReport) -> str:
    """The failure of a crawl report, "" on success (a product page read and stored)."""
    if report.products_seen:
        return ""
    first = report.errors[0] if report.errors else {"kind": "", "reason": ""}
    kind, reason = first.get("kind", ""), first.get("reason", "")
    if kind == "unknown_template":
        return DoorFailure.UNKNOWN_TEMPLATE
    if kind == "RobotsDisallowedError":
        return DoorFailure.ROBOTS
    if kind == "store":
        return DoorFailure.NOT_STORED
    if kind == "FetchError" and (reason.startswith("HTTP 404") or reason.startswith("HTTP 410")):
        return DoorFailure.NOT_FOUND
    if "시간 초과" in reason:  # the client's words for a request timeout
        return DoorFailure.TIMEOUT
    return DoorFailure.UNREACHABLE


def run_door_request(request_id: int) -> dict:
    """Crawl the product of a queued request (the task's body; see the module docstring)."""
    from catalog.danawa.client import DanawaClient
    from catalog.danawa.crawler import crawl_product

    req = DoorRequest.objects.filter(pk=request_id).first()
    if req is None:
        logger.warning("door request %s is gone", request_id)
        return {"request_id": request_id, "status": "gone"}
    if not mark_running(req, total=1):
        logger.info("door request %s is %s, not queued: not crawling", req.pk, req.status)
        return {"request_id": req.pk, "status": req.status}
    job = start_job(JobKind.CRAWL, params={"pcode": req.pcode, "door_request": req.pk}, total=1)
    req.job = job
    req.save(update_fields=["job"])
    client = DanawaClient(max_retries=min(settings.DANAWA_MAX_RETRIES, MAX_RETRIES))
    try:
        report = crawl_product(req.pcode, client=client, job=job)
    except SoftTimeLimitExceeded as exc:
        return _crashed(req, job, DoorFailure.TIMEOUT, exc)
    except Exception as exc:
        logger.exception("door crawl of %s failed", req.pcode)
        return _crashed(req, job, DoorFailure.CRASH, exc)
    finally:
        client.close()
    failure = classify(report)
    _finish(req, failure)
    return {"request_id": req.pk, "status": req.status, "failure": failure, **report.stats()}


def _crashed(req: DoorRequest, job: Job, failure: str, exc: Exception) -> dict:
    finish_job(job, errors=[{"url": "", "reason": repr(exc), "kind": failure}], failed=True)
    _finish(req, failure)
    return {"request_id": req.pk, "status": JobStatus.FAILED, "failure": failure}


def _finish(req: DoorRequest, failure: str) -> None:
    product = known_product(req.pcode) or req.product
    if failure:
        mark_finished(
            req,
            failed=True,
            failure=failure,
            message=failure_message(failure, req.pcode),
            product=product,
        )
    else:
        mark_finished(req, product=product, message="")
