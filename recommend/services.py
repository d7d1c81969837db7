"""Writes of recommend: the cached reasons.

``attach_reasons`` gives each entry its reason at once, from the cache (a validated LLM
reason), else the template reason built from the same facts; for facts never asked before it
stores a pending row and queues ``recommend.tasks.write_reason`` (after the commit). The page
never waits for the LLM. ``write_cached_reason`` is what the task runs: it claims the row, asks
the LLM outside any transaction, and stores the validated answer or the template reason with
the raw answers and why they were refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog.models import Manufacturer
from recommend.entries import Entry
from recommend.models import CachedReason, ReasonStatus
from recommend.reasons import template_reason

# A claimed reason is written within two LLM requests (settings.OLLAMA_TIMEOUT_SECONDS each, 30 s
# by default); one still claimed after 10 minutes lost its worker.
CLAIM_LEASE_SECONDS = 600

logger = logging.getLogger(__name__)


def facts_hash(facts: dict[str, object]) -> str:
    return hashlib.sha256(
        json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def client_may_queue(request: object) -> Callable[[int], bool]:
    """The per-client limit on new LLM reasons (``RATE_LIMITS["llm-reasons"]``, issue 14): a
    visitor whose pages would ask the local LLM for more new reasons than that gets the template
    reason for the rest of the window; the page itself is never refused."""
    from django.conf import settings

    from core.ratelimit import Rate, client_ip, hit

    def may(n: int) -> bool:
        rate = Rate.parse(settings.RATE_LIMITS["llm-reasons"])
        key = client_ip(request)  # type: ignore[arg-type]
        return all(hit("llm-reasons", key, rate).allowed for _ in range(n))

    return may


def attach_reasons(
    entries: list[Entry], *, queue: bool = True, may_queue: Callable[[int], bool] | None = None
) -> None:
    """Set ``reason``, ``reason_status`` ("llm", "template" or "pending") and ``reason_id`` on
    each entry: two queries for any number of entries, plus the insert of new pending rows.
    ``may_queue(n)`` says whether n new reasons may be asked for (else they are not created
    and the entries keep the template reason)."""
    if not entries:
        return
    keyed = []
    for e in entries:
        facts = e.facts()
        keyed.append((e, facts, facts_hash(facts)))
    hashes = {h for _, _, h in keyed}
    found = {
        (r.product_id, r.use_case_id, r.facts_hash): r
        for r in CachedReason.objects.filter(
            product_id__in=[e.product.pk for e in entries], facts_hash__in=hashes
        )
    }
    missing = [
        CachedReason(product_id=e.product.pk, use_case_id=e.use.pk, facts_hash=h, facts=facts)
        for e, facts, h in keyed
        if (e.product.pk, e.use.pk, h) not in found
    ]
    if missing and may_queue is not None and not may_queue(len(missing)):
        missing = []  # over this visitor's limit: template reasons, nothing asked of the LLM
    if missing:
        CachedReason.objects.bulk_create(missing, ignore_conflicts=True)
        for r in CachedReason.objects.filter(
            product_id__in=[m.product_id for m in missing],
            facts_hash__in=[m.facts_hash for m in missing],
        ):
            found[(r.product_id, r.use_case_id, r.facts_hash)] = r
        if queue:
            ids = [found[(m.product_id, m.use_case_id, m.facts_hash)].pk for m in missing
                   if (m.product_id, m.use_case_id, m.facts_hash) in found]  # fmt: skip
            transaction.on_commit(lambda: queue_reasons(ids))
    for e, facts, h in keyed:
        row = found.get((e.product.pk, e.use.pk, h))
        e.reason_id = row.pk if row else None
        if row is not None and row.status == ReasonStatus.LLM:
            e.reason, e.reason_status = row.text, "llm"
        else:
            e.reason = template_reason(facts)
            e.reason_status = "template" if row is None or row.done else "pending"


def queue_reasons(reason_ids: list[int]) -> None:
    """Queue one task per reason; a broker that is down leaves them pending (the page shows the
    template reason meanwhile)."""
    from recommend.tasks import write_reason

    for rid in reason_ids:
        try:
            write_reason.delay(reason_id=rid)
        except Exception:  # noqa: BLE001 - a page must not fail because the broker did
            logger.exception("could not queue reason %s", rid)
            return


def write_cached_reason(reason_id: int) -> str | None:
    """Write one pending reason (the task's work); returns its final status, None when the row
    is gone, done, or another worker has it (a redelivered task does nothing). A row claimed
    longer than ``CLAIM_LEASE_SECONDS`` ago was left by a worker that died: it is claimed again
    (the task, delivered again after the broker's visibility timeout, writes it)."""
    from recommend import llm

    now = timezone.now()
    stale = now - dt.timedelta(seconds=CLAIM_LEASE_SECONDS)
    claimed = (
        CachedReason.objects.filter(pk=reason_id)
        .filter(
            Q(status=ReasonStatus.PENDING) | Q(status=ReasonStatus.RUNNING, updated_at__lt=stale)
        )
        .update(status=ReasonStatus.RUNNING, updated_at=now)  # update() skips auto_now
    )
    if claimed != 1:
        return None
    row = CachedReason.objects.select_related("product").get(pk=reason_id)
    brands = list(
        Manufacturer.objects.exclude(pk=row.product.manufacturer_id).values_list("name", flat=True)
    )
    outcome = llm.write_reason(row.facts, brands)  # outside any transaction
    row.attempts = outcome.attempts
    row.raw_answer = "\n---\n".join(outcome.answers)
    row.rejection = outcome.rejection
    row.model_name = settings.OLLAMA_MODEL
    if outcome.text is not None:
        row.status, row.text = ReasonStatus.LLM, outcome.text
    else:
        row.status, row.text = ReasonStatus.TEMPLATE, template_reason(row.facts)
    row.save(
        update_fields=[
            "status",
            "text",
            "raw_answer",
            "rejection",
            "attempts",
            "model_name",
            "updated_at",
        ]
    )
    return row.status


def retry_reasons(reason_ids: list[int]) -> int:
    """Admin: ask again for reasons that fell back to the template (e.g. after the LLM is up)."""
    ids = list(
        CachedReason.objects.filter(pk__in=reason_ids, status=ReasonStatus.TEMPLATE).values_list(
            "pk", flat=True
        )
    )
    CachedReason.objects.filter(pk__in=ids).update(status=ReasonStatus.PENDING)
    transaction.on_commit(lambda: queue_reasons(ids))
    return len(ids)
