from django.urls import path

from pricing import views

app_name = "pricing"

urlpatterns = [
    path("", views.configuration, name="configuration"),
    path("model/", views.model_card, name="model_card"),
    path("model/train/", views.train, name="train"),
]
