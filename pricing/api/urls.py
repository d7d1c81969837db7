from django.urls import path

from pricing.api import views

app_name = "pricing-api"

urlpatterns = [
    path(
        "products/<int:pk>/estimate/", views.ProductEstimateView.as_view(), name="product-estimate"
    ),
    path(
        "products/<int:pk>/parts-sum/",
        views.ProductPartsSumView.as_view(),
        name="product-parts-sum",
    ),
    path("estimate/", views.ConfigurationEstimateView.as_view(), name="configuration-estimate"),
    path("model/", views.ModelCardView.as_view(), name="model"),
]
