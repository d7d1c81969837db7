from rest_framework.routers import DefaultRouter

from catalog.api import views

app_name = "catalog-api"

router = DefaultRouter()
router.register("categories", views.CategoryViewSet, basename="category")
router.register("manufacturers", views.ManufacturerViewSet, basename="manufacturer")
router.register("products", views.ProductViewSet, basename="product")
router.register("benchmarks/cpu", views.CpuBenchmarkViewSet, basename="cpubenchmark")
router.register("benchmarks/gpu", views.GpuBenchmarkViewSet, basename="gpubenchmark")
urlpatterns = router.urls
