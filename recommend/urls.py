from django.urls import path

from recommend import views

app_name = "recommend"

urlpatterns = [
    path("", views.recommend_page, name="page"),
    path("reasons/", views.reasons_json, name="reasons"),
    path("compare/", views.compare_page, name="compare"),
]
