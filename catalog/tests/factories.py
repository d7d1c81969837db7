"""Row factories for tests."""

from __future__ import annotations

import factory

from catalog.models import Category, CategoryKind, CpuBenchmark, GpuBenchmark, Manufacturer, Product
from catalog.specs import is_integrated_gpu


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = "112756"
    name = "브랜드PC"
    kind = CategoryKind.DESKTOP


class ManufacturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Manufacturer
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"제조사{n}")


class CpuBenchmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CpuBenchmark

    name = factory.Sequence(lambda n: f"Intel Core i5-{12400 + n}")
    normalized_name = factory.LazyAttribute(lambda o: o.name.lower())
    score = 19000
    single_thread = 3500
    cores = 6


class GpuBenchmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GpuBenchmark

    name = factory.Sequence(lambda n: f"GeForce RTX {3050 + n}")
    normalized_name = factory.LazyAttribute(lambda o: o.name.lower())
    score = 17000
    g2d_score = 900


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    pcode = factory.Sequence(lambda n: str(10_000_000 + n))
    name = factory.Sequence(lambda n: f"테스트 데스크톱 {n}")
    category = factory.SubFactory(CategoryFactory)
    manufacturer = factory.SubFactory(ManufacturerFactory)
    gpu_model = ""
    # as the product services store it
    gpu_integrated = factory.LazyAttribute(lambda o: is_integrated_gpu(o.gpu_model))
