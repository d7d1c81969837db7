from django.urls import path

from similarity import views

app_name = "similarity"

urlpatterns = [
    path("photo/", views.photo_page, name="photo"),
    path("products/<int:pk>/", views.product_look_alikes, name="product"),
]
