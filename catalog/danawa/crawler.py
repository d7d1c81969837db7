"""Crawler services: walk Danawa category lists, product pages and the daily price snapshot,
writing through ``catalog.services`` (upsert_product, record_prices, jobs).

Everything is idempotent: products are found by pcode and prices are one row per
(product, day, variant), so re-running a crawl the same day fills gaps and never duplicates.
The day is the Korean calendar day (``timezone.localdate()`` with TIME_ZONE Asia/Seoul), taken
once at the start of a run. A page that fails (network, unknown template) is recorded as an
error with its URL and the crawl goes on; a run that could read nothing is a failed job.

A product page's shops' offers (``parsers.Offer``) replace the product's stored offers in one
transaction (``catalog.services.replace_offers``): a re-crawl never duplicates them.

Product images are downloaded (``DanawaClient.fetch_bytes``) and stored through
``store_product_image`` when a product has no stored image or its image address changed, after
the page's prices are recorded: a daily re-crawl downloads nothing it already has, and an image
that fails is an error of kind "image" that never costs the product or its price.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.utils import timezone

from catalog.danawa import parsers
from catalog.danawa.addresses import AJAX_LIST_URL, ajax_list_form, list_url, product_url
from catalog.danawa.client import MAX_DOWNLOAD_BYTES, DanawaClient
from catalog.danawa.errors import DanawaError, UnknownTemplateError
from catalog.models import Category, Job, JobKind, PriceSource, Product
from catalog.services import (
    InvalidImageError,
    OfferData,
    PriceReport,
    PriceRow,
    ProductData,
    finish_job,
    get_category,
    mark_job_started,
    record_prices,
    replace_offers,
    start_job,
    store_product_image,
    update_job_progress,
    upsert_product,
)

logger = logging.getLogger(__name__)

# Stop walking a category after this many pages in a row could not be read: the site is down
# or has changed, and hammering it helps nobody. A later run fills the gap.
MAX_CONSECUTIVE_PAGE_FAILURES = 3
MAX_ERRORS_KEPT = 500
# Danawa's product images are ~330x330 JPEGs of a few tens of KB; anything past this is not one.
MAX_IMAGE_BYTES = MAX_DOWNLOAD_BYTES
IMAGE_SUFFIXES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
}
# Query parameters that change the rendition of a picture, not the picture (list pages ask for
# 130x130, product pages for 360x360).
RENDITION_PARAMS = frozenset({"shrink"})
# The rendition downloaded: list pages name a 130×130 thumbnail, product pages 360×360, and the
# image CDN renders the size ``shrink`` asks for. The fair-price backbone looks at 260 px, image
# search at 224 px, and the product page shows more than a thumbnail.
IMAGE_RENDITION = (500, 500)


@dataclass
class CrawlReport:
    """What a crawl did: pages read, products created/updated, prices written, errors (URL and
    reason). ``pages_failed`` counts pages that could not be fetched or parsed."""

    pages: int = 0
    pages_failed: int = 0
    products_seen: int = 0
    products_created: int = 0
    products_updated: int = 0
    products_unchanged: int = 0
    images_downloaded: int = 0
    images_failed: int = 0
    # shops' offers stored by product crawls (not in ``stats()``: list crawls read none)
    offers_stored: int = 0
    prices: PriceReport = field(default_factory=PriceReport)
    errors: list[dict[str, str]] = field(default_factory=list)
    categories: dict[str, dict] = field(default_factory=dict)

    @property
    def nothing_parsed(self) -> bool:
        return self.pages == 0 and self.products_seen == 0

    @property
    def failed(self) -> bool:
        """Nothing could be read and something went wrong: never an empty success."""
        return self.nothing_parsed and bool(self.errors)

    def error(self, url: str, reason: str, *, kind: str = "") -> None:
        logger.warning("danawa crawl error at %s: %s", url, reason)
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"url": url, "reason": reason, "kind": kind})

    def add(self, other: CrawlReport) -> None:
        for name in (
            "pages", "pages_failed", "products_seen", "products_created",
            "products_updated", "products_unchanged", "images_downloaded", "images_failed",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.prices.add(other.prices)
        for item in other.errors:
            if len(self.errors) < MAX_ERRORS_KEPT:
                self.errors.append(item)

    def stats(self) -> dict:
        """Counts only (JSON), as stored in ``Job.stats``."""
        data = {
            "pages": self.pages,
            "pages_failed": self.pages_failed,
            "products_seen": self.products_seen,
            "products_created": self.products_created,
            "products_updated": self.products_updated,
            "products_unchanged": self.products_unchanged,
            "images_downloaded": self.images_downloaded,
            "images_failed": self.images_failed,
            "prices": self.prices.as_dict(),
            "errors": len(self.errors),
        }
        if self.categories:
            data["categories"] = self.categories
        return data

    def as_dict(self) -> dict:
        """Counts and errors (JSON), as returned by the Celery tasks."""
        return {**self.stats(), "failed": self.failed, "error_list": list(self.errors)}

    def lines(self) -> list[str]:
        """A short human-readable summary (Korean), for the management command."""
        p = self.prices
        out = [
            f"페이지 {self.pages}개 (실패 {self.pages_failed}개), 상품 {self.products_seen}개: "
            f"새 상품 {self.products_created}, 갱신 {self.products_updated}, "
            f"변경 없음 {self.products_unchanged}",
            f"가격: 추가 {p.inserted}, 갱신 {p.updated}, 변경 없음 {p.unchanged}, "
            f"거부 {p.rejected_nonpositive + p.rejected_absurd}",
            f"이미지: 받음 {self.images_downloaded}, 실패 {self.images_failed}",
        ]
        out += [f"오류: {e['url']} — {e['reason']}" for e in self.errors]
        return out


def _kind(exc: DanawaError) -> str:
    return "unknown_template" if isinstance(exc, UnknownTemplateError) else type(exc).__name__


def _reason(exc: DanawaError) -> str:
    if isinstance(exc, UnknownTemplateError):
        return f"알 수 없는 페이지 구조: {exc}"
    return str(exc)


# --------------------------------------------------------------------------- jobs


def _begin(job: Job | None, params: dict, total: int) -> Job:
    if job is None:
        return start_job(JobKind.CRAWL, params=params, total=total)
    # A job the admin queued: running from now (a no-op when its task already marked it).
    mark_job_started(job, total=total)
    return job


def _end(job: Job, report: CrawlReport) -> None:
    finish_job(job, stats=report.stats(), errors=list(report.errors), failed=report.failed)


# --------------------------------------------------------------------------- categories


def crawl_category(
    category_code: str,
    max_pages: int | None = None,
    client: DanawaClient | None = None,
    job: Job | None = None,
) -> CrawlReport:
    """Crawl one Danawa category: the list page, then AJAX pages until an empty page (or a page
    with nothing new) or ``max_pages`` (default ``settings.DANAWA_MAX_PAGES``).

    Products are upserted and today's prices recorded page by page, so work done before a
    failure is kept. Progress and the final report go to ``job`` (a new CRAWL job when None).
    """
    max_pages = settings.DANAWA_MAX_PAGES if max_pages is None else max_pages
    job = _begin(job, {"category_code": category_code, "max_pages": max_pages}, total=max_pages)
    report = CrawlReport()
    own_client = client is None
    client = client or DanawaClient()
    try:
        _crawl_category_into(
            report, category_code, max_pages, client, timezone.localdate(), job=job, done_before=0
        )
    except DanawaError as exc:  # e.g. a category code that is not a number
        report.error(category_code, str(exc), kind=_kind(exc))
    except Exception as exc:
        report.error(category_code, f"예상하지 못한 오류: {exc!r}", kind="crash")
        finish_job(job, stats=report.stats(), errors=list(report.errors), failed=True)
        raise
    finally:
        if own_client:
            client.close()
    _end(job, report)
    return report


def _crawl_category_into(
    report: CrawlReport,
    category_code: str,
    max_pages: int,
    client: DanawaClient,
    day: dt.date,
    *,
    job: Job | None,
    done_before: int,
) -> None:
    category = get_category(category_code)
    first_url = list_url(category_code)
    seen: set[str] = set()
    failures_in_a_row = 0
    for page_no in range(1, max_pages + 1):
        if page_no == 1:
            url, label = first_url, first_url
        else:
            url, label = AJAX_LIST_URL, f"{AJAX_LIST_URL} (cate={category_code}, page={page_no})"
        try:
            if page_no == 1:
                fetched = client.get(first_url)
            else:
                fetched = client.post(
                    url, ajax_list_form(category_code, page_no), headers={"Referer": first_url}
                )
            page = parsers.parse_list_page(fetched.text)
        except DanawaError as exc:
            report.pages_failed += 1
            report.error(label, _reason(exc), kind=_kind(exc))
            failures_in_a_row += 1
        else:
            failures_in_a_row = 0
            report.pages += 1
            for problem in page.problems:
                report.error(label, f"상품 항목을 읽지 못했습니다: {problem}", kind="item")
            new_items = [item for item in page.items if item.pcode not in seen]
            seen.update(item.pcode for item in new_items)
            if not new_items:
                break  # an empty page, or Danawa repeating its last page: the end of the list
            _store_list_items(report, category, new_items, page, day, label, client)
        update_job_progress(job, done_before + page_no)
        if failures_in_a_row >= MAX_CONSECUTIVE_PAGE_FAILURES:
            report.error(
                first_url,
                f"연속 {failures_in_a_row}페이지 실패로 이 카테고리 수집을 멈췄습니다.",
                kind="aborted",
            )
            break


def _store_list_items(
    report: CrawlReport,
    category: Category,
    items: list[parsers.ListItem],
    page: parsers.ListPage,
    day: dt.date,
    label: str,
    client: DanawaClient,
) -> None:
    ids: dict[str, int] = {}
    stored = _stored_images([item.pcode for item in items])
    downloads: list[tuple[Product, str]] = []
    for item in items:
        source, download = _image_plan(stored.get(item.pcode), item.image_url)
        data = ProductData(
            name=item.name,
            category=category,
            pcode=item.pcode,
            url=product_url(item.pcode),
            spec_summary=item.spec_summary,
            image_source=source,
        )
        try:
            product = _upsert(report, data)
        except Exception as exc:  # one bad product must not lose the rest of the page
            logger.exception("upsert of danawa product %s failed", item.pcode)
            report.error(product_url(item.pcode), f"상품 저장 실패: {exc!r}", kind="store")
            continue
        ids[item.pcode] = product.pk
        if download:
            downloads.append((product, item.image_url))
    points = [p for p in parsers.daily_prices(parsers.ListPage(items=items)) if p.pcode in ids]
    _record(report, [PriceRow(ids[p.pcode], day, p.price, p.variant) for p in points], label)
    # Images last: whatever happens to them, the page's products and prices are already saved.
    for product, image_url in downloads:
        _download_image(report, client, product, image_url)


def _upsert(report: CrawlReport, data: ProductData) -> Product:
    result = upsert_product(data)
    report.products_seen += 1
    if result.created:
        report.products_created += 1
    elif result.updated:
        report.products_updated += 1
    else:
        report.products_unchanged += 1
    return result.product


def _record(report: CrawlReport, rows: list[PriceRow], label: str) -> None:
    if not rows:
        return
    try:
        report.prices.add(record_prices(rows, source=PriceSource.CRAWL))
    except Exception as exc:
        logger.exception("recording danawa prices failed")
        report.error(label, f"가격 저장 실패: {exc!r}", kind="store")


# --------------------------------------------------------------------------- images


@dataclass(frozen=True)
class _StoredImage:
    has_file: bool
    source: str


def _stored_images(pcodes: list[str]) -> dict[str, _StoredImage]:
    """What the catalog holds for these products' images (one query per page)."""
    rows = Product.objects.filter(pcode__in=pcodes).values_list("pcode", "image", "image_source")
    return {pcode: _StoredImage(bool(image), source or "") for pcode, image, source in rows}


def same_image(a: str, b: str) -> bool:
    """Whether two image addresses name the same picture: equal once the rendition parameters
    (``shrink=130:130`` on list pages, ``360:360`` on product pages) are left out. A changed
    version (``_v=``), path or host is a different picture."""

    def key(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url)
        query = sorted((k, v) for k, v in parse_qsl(parts.query) if k not in RENDITION_PARAMS)
        return parts.netloc.lower(), parts.path, urlencode(query)

    return bool(a) and bool(b) and key(a) == key(b)


def download_address(url: str) -> str:
    """``url`` asking for the ``IMAGE_RENDITION`` rendition when it names a smaller one
    (the recorded ``image_source`` stays the page's address: ``same_image`` ignores renditions)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    want = f"{IMAGE_RENDITION[0]}:{IMAGE_RENDITION[1]}"
    changed = False
    for i, (key, value) in enumerate(query):
        if key != "shrink":
            continue
        try:
            width = int(value.split(":")[0])
        except ValueError:
            width = 0
        if width < IMAGE_RENDITION[0]:
            query[i] = (key, want)
            changed = True
    if not changed:
        return url
    return urlunsplit(parts._replace(query=urlencode(query, safe=":")))


def _image_plan(stored: _StoredImage | None, url: str) -> tuple[str, bool]:
    """(image_source to write with the product, whether to download ``url``).

    A product without a stored image records the address at once and downloads it (again on
    every run until it succeeds). A product with an image keeps its recorded address until the
    picture at a new address is stored, so that a failed download is tried again next run
    instead of leaving the old picture under the new address.
    """
    if not url:
        return "", False
    if stored is None or not stored.has_file:
        return url, True
    return "", not same_image(stored.source, url)


def _image_suffix(content_type: str, url: str) -> str:
    if content_type in IMAGE_SUFFIXES:
        return IMAGE_SUFFIXES[content_type]
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return suffix if suffix in IMAGE_SUFFIXES.values() or suffix == ".jpeg" else ".jpg"


def _download_image(report: CrawlReport, client: DanawaClient, product: Product, url: str) -> None:
    """Download and store one product image; a failure is reported and nothing else."""
    try:
        download = client.fetch_bytes(
            download_address(url), max_bytes=MAX_IMAGE_BYTES, accept=("image/",)
        )
        store_product_image(
            product,
            download.content,
            suffix=_image_suffix(download.content_type, download.url),
            source=url,
        )
    except (DanawaError, InvalidImageError) as exc:
        report.images_failed += 1
        report.error(url, f"상품 {product.pcode} 이미지를 저장하지 못했습니다: {exc}", kind="image")
    except Exception as exc:  # an image must never cost the crawl its products and prices
        logger.exception("storing the image of danawa product %s failed", product.pcode)
        report.images_failed += 1
        report.error(url, f"상품 {product.pcode} 이미지 저장 실패: {exc!r}", kind="image")
    else:
        report.images_downloaded += 1


# --------------------------------------------------------------------------- products


def crawl_product(
    pcode: str,
    client: DanawaClient | None = None,
    job: Job | None = None,
    category_code: str = "",
) -> CrawlReport:
    """Fetch one product page and update the product's name, specs, image and today's price.

    The category comes from the product (when known), ``category_code``, or the page's
    breadcrumbs. ``job`` is optional: a single page is not worth a job row unless asked.
    """
    report = CrawlReport()
    url = product_url(pcode)
    if job is not None:
        job = _begin(job, {"pcode": pcode}, total=1)
    own_client = client is None
    client = client or DanawaClient()
    try:
        _crawl_product_into(report, pcode, client, timezone.localdate(), category_code)
    except DanawaError as exc:
        report.pages_failed += 1
        report.error(url, _reason(exc), kind=_kind(exc))
    finally:
        if own_client:
            client.close()
    if job is not None:
        _end(job, report)
    return report


def _crawl_product_into(
    report: CrawlReport, pcode: str, client: DanawaClient, day: dt.date, category_code: str
) -> None:
    url = product_url(pcode)
    fetched = client.get(url)
    page = parsers.parse_product_page(fetched.text, pcode=pcode)
    report.pages += 1
    existing = Product.objects.filter(pcode=pcode).select_related("category").first()
    code = (existing.category.code if existing else "") or category_code or page.category_code
    if not code:
        report.error(url, "카테고리를 알 수 없어 상품을 저장하지 않았습니다.", kind="store")
        return
    stored = _StoredImage(bool(existing.image), existing.image_source) if existing else None
    image_source, download = _image_plan(stored, page.image_url)
    data = ProductData(
        name=page.name,
        category=existing.category if existing else get_category(code),
        pcode=pcode,
        manufacturer=page.manufacturer,
        url=url,
        spec_summary=page.spec_summary,
        specs_raw=page.specs,
        image_source=image_source,
    )
    product = _upsert(report, data)
    if page.lowest_price:
        _record(report, [PriceRow(product.pk, day, page.lowest_price, "")], url)
    _store_offers(report, product, page, url)
    if download:
        _download_image(report, client, product, page.image_url)


def _store_offers(
    report: CrawlReport, product: Product, page: parsers.ProductPage, url: str
) -> None:
    """Replace the product's offers with the page's (none when the page lists none). Offers
    that could not be read are an error of kind "offers", never the product's failure."""
    if page.offers_note and page.offers_note != parsers.NO_OFFERS_NOTE:
        report.error(url, page.offers_note, kind="offers")
    try:
        report.offers_stored += replace_offers(
            product,
            [
                OfferData(
                    shop=o.shop,
                    price=o.price,
                    shipping_fee=o.shipping_fee,
                    shipping_text=o.shipping_text,
                    card_price=o.card_price,
                    card_label=o.card_label,
                    url=o.url,
                )
                for o in page.offers
            ],
        )
    except Exception as exc:  # the offers must never cost the product and its price
        logger.exception("storing the offers of danawa product %s failed", product.pcode)
        report.error(url, f"판매처 저장 실패: {exc!r}", kind="store")


# --------------------------------------------------------------------------- daily snapshot


def crawl_daily_prices(
    categories: Iterable[str] | None = None,
    max_pages: int | None = None,
    client: DanawaClient | None = None,
    job: Job | None = None,
) -> CrawlReport:
    """The daily price snapshot: crawl the list pages of each configured category
    (``settings.DANAWA_CATEGORIES``, up to ``settings.DANAWA_MAX_PAGES`` pages each) with one
    client and one job. A category that fails does not stop the others; re-running the same
    day fills what was missed without duplicating anything.
    """
    codes = list(categories if categories is not None else settings.DANAWA_CATEGORIES)
    max_pages = settings.DANAWA_MAX_PAGES if max_pages is None else max_pages
    job = _begin(
        job,
        {"daily": True, "categories": codes, "max_pages": max_pages},
        total=len(codes) * max_pages,
    )
    day = timezone.localdate()
    report = CrawlReport()
    own_client = client is None
    client = client or DanawaClient()
    try:
        for index, code in enumerate(codes):
            part = CrawlReport()
            try:
                _crawl_category_into(
                    part, code, max_pages, client, day, job=job, done_before=index * max_pages
                )
            except DanawaError as exc:  # e.g. an invalid category code in settings
                part.error(code, str(exc), kind=_kind(exc))
            report.add(part)
            report.categories[code] = part.stats()
            update_job_progress(job, (index + 1) * max_pages)
    except Exception as exc:
        report.error("", f"예상하지 못한 오류: {exc!r}", kind="crash")
        finish_job(job, stats=report.stats(), errors=list(report.errors), failed=True)
        raise
    finally:
        if own_client:
            client.close()
    _end(job, report)
    return report
