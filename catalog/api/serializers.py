"""Serializers of the catalog API. Reads are plain ModelSerializers over rows fetched with
``with_related()``; writes go through ``catalog.services`` (``upsert_product``, ``record_prices``)
so that spec parsing, benchmark matching and the downstream signals happen."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog import services
from catalog.filters import CategoryField
from catalog.models import (
    Category,
    CpuBenchmark,
    GpuBenchmark,
    Manufacturer,
    PriceSnapshot,
    Product,
)
from catalog.validators import validate_danawa_product_url
from core.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictRegexField,
    StrictURLField,
)


class CategorySerializer(serializers.ModelSerializer):
    product_count = serializers.IntegerField(read_only=True, help_text="활성 상품 수")

    class Meta:
        model = Category
        fields = ["id", "code", "name", "kind", "product_count"]


class ManufacturerSerializer(serializers.ModelSerializer):
    product_count = serializers.IntegerField(read_only=True, help_text="활성 상품 수")

    class Meta:
        model = Manufacturer
        fields = ["id", "name", "product_count"]


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "kind"]


class ManufacturerBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Manufacturer
        fields = ["id", "name"]


class CpuBenchmarkSerializer(serializers.ModelSerializer):
    class Meta:
        model = CpuBenchmark
        fields = [
            "id", "name", "score", "single_thread", "cores", "socket", "tdp", "category",
            "test_date",
        ]  # fmt: skip


class GpuBenchmarkSerializer(serializers.ModelSerializer):
    class Meta:
        model = GpuBenchmark
        fields = ["id", "name", "score", "g2d_score", "tdp", "category", "test_date"]


class BenchmarkBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.IntegerField()


class ProductSerializer(serializers.ModelSerializer):
    """A product as lists show it (no raw spec table)."""

    url = serializers.HyperlinkedIdentityField(view_name="catalog-api:product-detail")
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    danawa_url = serializers.CharField(read_only=True)
    image = serializers.SerializerMethodField()
    category = CategoryBriefSerializer(read_only=True)
    manufacturer = ManufacturerBriefSerializer(read_only=True, allow_null=True)
    cpu_benchmark = BenchmarkBriefSerializer(read_only=True, allow_null=True)
    gpu_benchmark = BenchmarkBriefSerializer(read_only=True, allow_null=True)
    # the part's score (the benchmark's, else an estimate for a part newer than the tables)
    cpu_score = serializers.IntegerField(read_only=True, allow_null=True)
    cpu_score_estimated = serializers.BooleanField(source="cpu_score_is_estimated", read_only=True)
    cpu_score_note = serializers.CharField(read_only=True)
    gpu_score = serializers.IntegerField(read_only=True, allow_null=True)
    gpu_score_estimated = serializers.BooleanField(source="gpu_score_is_estimated", read_only=True)
    gpu_score_note = serializers.CharField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id", "url", "page_url", "pcode", "name", "category", "manufacturer", "danawa_url",
            "image", "current_price", "current_price_day", "first_seen", "last_seen",
            "cpu_model", "gpu_model", "ram_gb", "ssd_gb", "hdd_gb", "vram_gb", "gpu_integrated",
            "os", "form_factor", "spec_summary", "cpu_benchmark", "cpu_match_confidence",
            "gpu_benchmark", "gpu_match_confidence", "benchmark_match_locked", "cpu_score",
            "cpu_score_estimated", "cpu_score_note", "gpu_score", "gpu_score_estimated",
            "gpu_score_note", "is_demo", "is_active", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_image(self, product: Product) -> str | None:
        """The stored image under MEDIA_URL (never the remote source)."""
        if not product.image:
            return None
        request = self.context.get("request")
        url = product.image.url
        return request.build_absolute_uri(url) if request else url


class ProductDetailSerializer(ProductSerializer):
    """A product with its raw Danawa spec table and merge information."""

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "specs_raw", "merged_into", "created_at"]
        read_only_fields = fields


# What catalog.validators.danawa_product_pcode accepts, as a pattern: http(s), exactly Danawa's
# product page (desktop or mobile), one numeric pcode of up to 12 digits, no port, user or
# fragment.
DANAWA_PRODUCT_URL_PATTERN = (
    r"^$|^https?://prod\.danawa\.com/info/\?([^#&]*&)*pcode=[0-9]{1,12}(&[^#&]*)*$"
    r"|^https?://m\.danawa\.com/product/product\.html\?([^#&]*&)*code=[0-9]{1,12}(&[^#&]*)*$"
)


@extend_schema_field(
    {"type": "string", "format": "uri", "maxLength": 500, "pattern": DANAWA_PRODUCT_URL_PATTERN}
)
class DanawaProductURLField(StrictURLField):
    pass


class ProductWriteSerializer(serializers.Serializer):
    """Create or update a product the way the crawler does (``services.upsert_product``).

    The product is found by ``pcode`` (a local code is derived from the name when there is
    none). Empty fields never erase what the catalog already knows.
    """

    # strings only (StrictStringMixin): the schema says string, so 0 or true is refused
    pcode = StrictRegexField(
        r"^[0-9A-Za-z_-]{1,32}$", required=False, allow_blank=True, help_text="다나와 상품 코드"
    )
    name = StrictCharField(max_length=300)
    category = StrictCharField(help_text="카테고리 코드 또는 ID")
    manufacturer = StrictCharField(max_length=100, required=False, allow_blank=True)
    url = DanawaProductURLField(
        max_length=500,
        required=False,
        allow_blank=True,
        validators=[validate_danawa_product_url],
        help_text="다나와 상품 페이지 주소 (prod.danawa.com/info/?pcode= 또는 m.danawa.com)",
    )
    spec_summary = StrictCharField(required=False, allow_blank=True)
    specs_raw = serializers.DictField(child=StrictCharField(allow_blank=True), required=False)
    image_source = StrictURLField(max_length=500, required=False, allow_blank=True)
    is_demo = StrictBooleanField(required=False, default=False)

    def validate_category(self, value: str) -> Category:
        try:
            return CategoryField().clean(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None:
            pcode = attrs.get("pcode")
            if pcode and pcode != self.instance.pcode:
                raise serializers.ValidationError({"pcode": "상품 코드는 바꿀 수 없습니다."})
        return attrs

    def product_data(self) -> services.ProductData:
        """The validated input as ``services.ProductData``; on update, fields left out keep
        the product's values (``upsert_product`` never erases known values anyway)."""
        attrs, base = self.validated_data, self.instance

        def pick(name: str) -> str:
            if name in attrs:
                return attrs[name]
            return getattr(base, name) if base is not None else ""

        return services.ProductData(
            name=pick("name"),
            category=attrs["category"] if "category" in attrs else base.category,
            pcode=base.pcode if base is not None else attrs.get("pcode", ""),
            manufacturer=attrs.get("manufacturer", ""),
            url=pick("url"),
            spec_summary=pick("spec_summary"),
            specs_raw=attrs.get("specs_raw") or {},
            image_source=pick("image_source"),
            is_demo=attrs.get("is_demo", base.is_demo if base is not None else False),
        )


class PriceSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriceSnapshot
        fields = ["day", "variant", "price", "source"]


class DailyPriceSerializer(serializers.Serializer):
    day = serializers.DateField()
    price = serializers.IntegerField(help_text="그날의 최저가 (원)")


class PriceSummarySerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="기간 안의 가격 기록 일수")
    first_day = serializers.DateField(allow_null=True)
    last_day = serializers.DateField(allow_null=True)
    latest = serializers.IntegerField(allow_null=True)
    min = serializers.IntegerField(allow_null=True)
    max = serializers.IntegerField(allow_null=True)
    avg = serializers.IntegerField(allow_null=True)
    lowest_in_days = serializers.IntegerField(
        allow_null=True, help_text="최신 가격이 최근 며칠 중 최저가인지 (전체 기록 기준)"
    )
    lowest_all_time = serializers.BooleanField(allow_null=True)
    lowest_label = serializers.CharField()


class PriceHistorySerializer(serializers.Serializer):
    product = serializers.IntegerField()
    since = serializers.DateField(allow_null=True)
    summary = PriceSummarySerializer()
    daily = DailyPriceSerializer(many=True)
    variants = PriceSnapshotSerializer(many=True, required=False)


PRICE_RANGE_MESSAGE = (
    f"가격은 {services.MIN_PRICE:,}원 이상 {services.MAX_PRICE:,}원 이하여야 합니다."
)


class PriceInputSerializer(serializers.Serializer):
    """One manual price for a product; written with ``services.record_prices``."""

    day = serializers.DateField(
        help_text="가격의 날짜: 한국 시간으로 내일까지 (그 뒤의 날짜는 400)"
    )
    price = serializers.IntegerField(
        min_value=services.MIN_PRICE,
        max_value=services.MAX_PRICE,
        error_messages=dict.fromkeys(["min_value", "max_value"], PRICE_RANGE_MESSAGE),
    )
    variant = StrictCharField(max_length=40, required=False, allow_blank=True, default="")

    def validate_day(self, value: dt.date) -> dt.date:
        if value > timezone.localdate() + dt.timedelta(days=1):
            raise serializers.ValidationError("미래 날짜의 가격은 기록할 수 없습니다.")
        return value


class PriceReportSerializer(serializers.Serializer):
    inserted = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected_nonpositive = serializers.IntegerField()
    rejected_absurd = serializers.IntegerField()
    merged_duplicates = serializers.IntegerField()
