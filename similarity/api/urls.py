from django.urls import path

from similarity.api import views

app_name = "similarity-api"

urlpatterns = [
    path("products/<int:pk>/similar", views.SimilarProductsView.as_view(), name="product-similar"),
    path("similarity/search", views.PhotoSearchView.as_view(), name="photo-search"),
]
