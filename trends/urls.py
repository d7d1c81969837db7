from django.urls import path

from trends import views

app_name = "trends"

urlpatterns = [
    path("", views.market, name="market"),
    path("products/<int:pk>/", views.product_trend_page, name="product"),
]
