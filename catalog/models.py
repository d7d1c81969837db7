"""Catalog: what is sold (products, categories, manufacturers), what it costs each day
(price snapshots), and how fast its parts are (PassMark CPU/GPU benchmarks)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from catalog.querysets import (
    BenchmarkQuerySet,
    CategoryQuerySet,
    DailyLowestPriceQuerySet,
    ManufacturerQuerySet,
    PriceSnapshotQuerySet,
    ProductQuerySet,
    ShopOfferQuerySet,
)
from catalog.validators import danawa_product_pcode, validate_danawa_product_url
from core.progress import JobStatus, ProgressRecord


class CategoryKind(models.TextChoices):
    DESKTOP = "desktop", "데스크톱"
    CPU = "cpu", "CPU"
    GPU = "gpu", "그래픽카드"
    LAPTOP = "laptop", "노트북"
    PART = "part", "PC 부품"
    # Not a PC or a PC part (the demo's sofas, jackets, shoes): kept for image search only, out
    # of the PC catalog's lists, counts, fair price, forecasts and recommendations.
    OTHER = "other", "PC 외 상품"


# The kinds the PC features (catalog lists, fair price, forecasts, market) cover.
PC_KINDS: tuple[str, ...] = (
    CategoryKind.DESKTOP,
    CategoryKind.LAPTOP,
    CategoryKind.CPU,
    CategoryKind.GPU,
    CategoryKind.PART,
)


class Category(models.Model):
    """A Danawa category (e.g. brand PC). ``code`` is Danawa's id (``catalog.danawa.categories``),
    or a slug for local ones."""

    code = models.CharField("다나와 카테고리 코드", max_length=32, unique=True)
    name = models.CharField("이름", max_length=100)
    kind = models.CharField(
        "종류", max_length=16, choices=CategoryKind.choices, default=CategoryKind.OTHER
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "카테고리"
        verbose_name_plural = "카테고리"

    def __str__(self) -> str:
        return self.name

    @property
    def is_pc(self) -> bool:
        """A PC or PC-part category (see ``PC_KINDS``); the others exist for image search."""
        return self.kind in PC_KINDS


class Manufacturer(models.Model):
    """A brand (삼성전자, MSI, ...). ``name`` is the canonical display name."""

    name = models.CharField("이름", max_length=100, unique=True)

    objects = ManufacturerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "제조사"
        verbose_name_plural = "제조사"

    def __str__(self) -> str:
        return self.name


class BenchmarkBase(models.Model):
    name = models.CharField("이름", max_length=200, unique=True)
    # Lower-case, vendor-prefix- and clock-free form used by the matcher (catalog.benchmarks).
    normalized_name = models.CharField("정규화 이름", max_length=200, db_index=True)
    score = models.PositiveIntegerField("점수")
    tdp = models.FloatField("TDP (W)", null=True, blank=True)
    category = models.CharField("분류", max_length=100, blank=True)
    test_date = models.PositiveSmallIntegerField("테스트 연도", null=True, blank=True)

    objects = BenchmarkQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-score"]

    def __str__(self) -> str:
        return f"{self.name} ({self.score:,})"


class CpuBenchmark(BenchmarkBase):
    """A PassMark CPU row: ``score`` is CPU Mark, ``single_thread`` the single-thread rating."""

    single_thread = models.PositiveIntegerField("싱글스레드 점수", null=True, blank=True)
    cores = models.PositiveSmallIntegerField("코어 수", null=True, blank=True)
    socket = models.CharField("소켓", max_length=50, blank=True)

    class Meta(BenchmarkBase.Meta):
        verbose_name = "CPU 벤치마크"
        verbose_name_plural = "CPU 벤치마크"


class GpuBenchmark(BenchmarkBase):
    """A PassMark GPU row: ``score`` is G3D Mark, ``g2d_score`` the G2D Mark."""

    g2d_score = models.PositiveIntegerField("G2D 점수", null=True, blank=True)

    class Meta(BenchmarkBase.Meta):
        verbose_name = "GPU 벤치마크"
        verbose_name_plural = "GPU 벤치마크"


class Product(models.Model):
    """A product as Danawa lists it, with its parsed specs and matched benchmarks.

    ``current_price``/``current_price_day`` are denormalised from PriceSnapshot by the price
    services (``catalog.services.prices``: ``record_prices``, ``copy_prices``) so that list pages
    filter and sort by price without a join.
    """

    pcode = models.CharField("상품 코드", max_length=32, unique=True)
    name = models.CharField("상품명", max_length=300)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name="카테고리"
    )
    manufacturer = models.ForeignKey(
        Manufacturer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name="제조사",
    )
    # a Danawa product page only: it is shown as "다나와에서 보기"
    url = models.URLField(
        "다나와 상품 URL", max_length=500, blank=True, validators=[validate_danawa_product_url]
    )
    image = models.ImageField("이미지", upload_to="products/%Y/%m/", blank=True)
    image_source = models.CharField("이미지 출처", max_length=500, blank=True)
    image_sha256 = models.CharField("이미지 해시", max_length=64, blank=True, db_index=True)

    spec_summary = models.TextField("스펙 요약", blank=True)
    specs_raw = models.JSONField("원본 스펙", default=dict, blank=True)
    cpu_model = models.CharField("CPU", max_length=120, blank=True)
    gpu_model = models.CharField("GPU", max_length=120, blank=True)
    ram_gb = models.PositiveIntegerField("RAM (GB)", null=True, blank=True)
    ssd_gb = models.PositiveIntegerField("SSD (GB)", null=True, blank=True)
    hdd_gb = models.PositiveIntegerField("HDD (GB)", null=True, blank=True)
    vram_gb = models.PositiveIntegerField("VRAM (GB)", null=True, blank=True)
    os = models.CharField("운영체제", max_length=80, blank=True)
    form_factor = models.CharField("폼팩터", max_length=80, blank=True)
    # catalog.specs.is_integrated_gpu(gpu_model), set by the product services with the specs:
    # readers (fair price, the configuration form, the demo) use this, never the name.
    gpu_integrated = models.BooleanField("내장 그래픽", default=False, editable=False)

    cpu_benchmark = models.ForeignKey(
        CpuBenchmark,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name="CPU 벤치마크",
    )
    cpu_match_confidence = models.FloatField("CPU 매칭 신뢰도", null=True, blank=True)
    gpu_benchmark = models.ForeignKey(
        GpuBenchmark,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name="GPU 벤치마크",
    )
    gpu_match_confidence = models.FloatField("GPU 매칭 신뢰도", null=True, blank=True)
    # Set when staff fix a match by hand: re-imports and re-matching leave the match alone.
    benchmark_match_locked = models.BooleanField("벤치마크 수동 지정", default=False)
    # A part with no PassMark row (newer than the 2022 tables) gets a score estimated from its
    # name and known neighbours (catalog.score_estimates), with how it was estimated. Never set
    # while the part has a benchmark row; read through ``cpu_score``/``gpu_score``.
    cpu_score_estimated = models.PositiveIntegerField("CPU 추정 점수", null=True, blank=True)
    cpu_score_note = models.CharField("CPU 점수 추정 방법", max_length=400, blank=True)
    gpu_score_estimated = models.PositiveIntegerField("GPU 추정 점수", null=True, blank=True)
    gpu_score_note = models.CharField("GPU 점수 추정 방법", max_length=400, blank=True)

    current_price = models.PositiveIntegerField("현재 최저가", null=True, blank=True)
    current_price_day = models.DateField("최저가 기준일", null=True, blank=True)
    first_seen = models.DateField("처음 본 날", null=True, blank=True)
    last_seen = models.DateField("마지막으로 본 날", null=True, blank=True)

    is_demo = models.BooleanField("데모 데이터", default=False)
    is_active = models.BooleanField("활성", default=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name="병합 대상",
    )
    created_at = models.DateTimeField("등록 일시", auto_now_add=True)
    updated_at = models.DateTimeField("갱신 일시", auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "상품"
        verbose_name_plural = "상품"
        indexes = [
            # catalog list filtered by category and sorted/filtered by price
            models.Index(fields=["category", "current_price"], name="product_cat_price_idx"),
            # catalog list "by manufacturer"
            models.Index(fields=["manufacturer", "current_price"], name="product_mfr_price_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product_detail", args=[self.pk])

    # One rule for a part's score: the PassMark row's, else the estimate (marked estimated).
    @property
    def cpu_score(self) -> int | None:
        """CPU Mark: the matched benchmark's, else the estimate, else None."""
        return self.cpu_benchmark.score if self.cpu_benchmark_id else self.cpu_score_estimated

    @property
    def gpu_score(self) -> int | None:
        """G3D Mark: the matched benchmark's, else the estimate, else None."""
        return self.gpu_benchmark.score if self.gpu_benchmark_id else self.gpu_score_estimated

    @property
    def cpu_score_is_estimated(self) -> bool:
        return not self.cpu_benchmark_id and self.cpu_score_estimated is not None

    @property
    def gpu_score_is_estimated(self) -> bool:
        return not self.gpu_benchmark_id and self.gpu_score_estimated is not None

    @property
    def danawa_url(self) -> str:
        """The Danawa product page: ``url`` when it is one (a row stored before links were
        checked may hold anything), else the page of a numeric pcode, else ""."""
        if self.url and danawa_product_pcode(self.url) is not None:
            return self.url
        return f"https://prod.danawa.com/info/?pcode={self.pcode}" if self.pcode.isdigit() else ""


class PriceSource(models.TextChoices):
    CRAWL = "crawl", "다나와 수집"
    HISTORY = "history", "가격 이력 파일"
    IMPORT = "import", "상품 파일"
    DEMO = "demo", "데모"
    MANUAL = "manual", "수동"


class PriceSnapshot(models.Model):
    """One day's price of one variant (정품, 벌크, ...; "" when there is only one) of a product.

    One row per (product, day, variant); used items are never stored. The day's lowest
    new-product price (``min(price)`` over the day's rows) is kept in ``DailyLowestPrice``.
    """

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="prices", verbose_name="상품"
    )
    day = models.DateField("날짜")
    variant = models.CharField("구분", max_length=40, blank=True, default="")
    price = models.PositiveIntegerField("가격 (원)")
    source = models.CharField(
        "출처", max_length=16, choices=PriceSource.choices, default=PriceSource.CRAWL
    )
    recorded_at = models.DateTimeField("기록 일시", auto_now_add=True)

    objects = PriceSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["product", "day", "variant"]
        verbose_name = "가격 기록"
        verbose_name_plural = "가격 기록"
        constraints = [
            models.UniqueConstraint(
                fields=["product", "day", "variant"], name="price_one_per_product_day_variant"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day} {self.variant or '-'} {self.price:,}원"


class DailyLowestPrice(models.Model):
    """One product's lowest new-product price of one day: ``min(price)`` over that day's
    ``PriceSnapshot`` rows (its variants). The one home of the daily lowest price: written only
    by the price services (``catalog.services.prices``) in the same transaction as the
    snapshots, read through ``DailyLowestPriceQuerySet`` (product pages, the API, the
    forecaster, the market dashboard)."""

    pk = models.CompositePrimaryKey("product_id", "day", verbose_name="상품과 날짜")
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="daily_lowest",
        verbose_name="상품",
        db_index=False,  # the primary key (product_id, day) starts with it
    )
    day = models.DateField("날짜")
    price = models.PositiveIntegerField("최저가 (원)")

    objects = DailyLowestPriceQuerySet.as_manager()

    class Meta:
        verbose_name = "일별 최저가"
        verbose_name_plural = "일별 최저가"
        indexes = [
            # the market index of a window (trends.services: every product's prices with
            # start < day <= end) and the newest day (latest_day), read from the index alone
            models.Index(fields=["day", "product", "price"], name="daily_lowest_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day} {self.price:,}원"


class ShopOffer(models.Model):
    """One shop's offer as Danawa's product page lists it (the lowest-price area): the shop,
    its price, shipping (a fee, or a text such as "무료배송"), the card-discount price when one
    is shown, and the link out to the offer (http(s) only, tracking stripped by the parser).

    Written only by ``catalog.services.offers.replace_offers`` (the product crawl replaces a
    product's offers whole, in one transaction); read through ``ShopOfferQuerySet``. ``position``
    is the order the page listed them in."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="offers", verbose_name="상품"
    )
    shop = models.CharField("판매처", max_length=100)
    price = models.PositiveIntegerField("가격 (원)")
    shipping_fee = models.PositiveIntegerField("배송비 (원)", null=True, blank=True)
    shipping_text = models.CharField("배송 안내", max_length=60, blank=True)
    card_price = models.PositiveIntegerField("카드 할인가 (원)", null=True, blank=True)
    card_label = models.CharField("카드 할인 안내", max_length=60, blank=True)
    url = models.URLField("판매처 링크", max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField("순서", default=0)
    fetched_at = models.DateTimeField("수집 일시")

    objects = ShopOfferQuerySet.as_manager()

    class Meta:
        ordering = ["product", "price", "position"]
        verbose_name = "판매처 가격"
        verbose_name_plural = "판매처 가격"
        indexes = [
            # the analysis page's "어디서 살까": one product's offers, cheapest first
            models.Index(fields=["product", "price"], name="shopoffer_product_price_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="shopoffer_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.shop} {self.price:,}원"

    @property
    def shipping_label(self) -> str:
        """What the page shows for shipping: "무료배송", "배송비 2,500원", or the page's text."""
        if self.shipping_fee == 0:
            return self.shipping_text or "무료배송"
        if self.shipping_fee:
            return f"배송비 {self.shipping_fee:,}원"
        return self.shipping_text


class JobKind(models.TextChoices):
    CRAWL = "crawl", "다나와 수집"
    IMPORT_HISTORY = "import_history", "가격 이력 가져오기"
    IMPORT_PRODUCTS = "import_products", "상품 가져오기"
    IMPORT_BENCHMARKS = "import_benchmarks", "벤치마크 가져오기"
    SEED_DEMO = "seed_demo", "데모 데이터"


class Job(ProgressRecord):
    """A crawl or import run: progress while it runs, its report (counts, row errors) after."""

    kind = models.CharField("종류", max_length=32, choices=JobKind.choices)
    status = models.CharField(
        "상태", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    params = models.JSONField("입력", default=dict, blank=True)
    stats = models.JSONField("결과", default=dict, blank=True)
    errors = models.JSONField("오류", default=list, blank=True)
    # ProgressRecord's fields again with Korean names for the admin (that abstract model is
    # shared with pricing, whose migrations are its own)
    progress_done = models.PositiveIntegerField("처리한 수", default=0)
    progress_total = models.PositiveIntegerField("전체 수", default=0)
    celery_task_id = models.CharField("Celery 작업 ID", max_length=64, blank=True)
    created_at = models.DateTimeField("만든 일시", auto_now_add=True)
    started_at = models.DateTimeField("시작 일시", null=True, blank=True)
    finished_at = models.DateTimeField("끝난 일시", null=True, blank=True)

    class Meta(ProgressRecord.Meta):
        verbose_name = "작업"
        verbose_name_plural = "작업"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    def lapse_fields(self, reason: str) -> dict[str, object]:
        return {"errors": [*self.errors, reason]}
