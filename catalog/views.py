from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from catalog.models import Product


def product_list(request: HttpRequest) -> HttpResponse:
    products = Product.objects.active().with_related().search(request.GET.get("q", ""))[:50]
    return render(request, "catalog/product_list.html", {"products": products})


def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.with_related(), pk=pk)
    return render(request, "catalog/product_detail.html", {"product": product})
