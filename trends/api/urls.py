from django.urls import path

from trends.api import views

app_name = "trends-api"

urlpatterns = [
    path("products/<int:pk>/", views.product_trend_view, name="product-trend"),
    path("market/", views.market_view, name="market"),
    path("backtests/latest/", views.latest_backtest_view, name="backtest-latest"),
]
