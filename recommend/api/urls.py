from django.urls import path

from recommend.api import views

app_name = "recommend-api"

urlpatterns = [
    path("", views.recommend_view, name="recommendations"),
]
