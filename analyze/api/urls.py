from django.urls import path

from analyze.api import views_analysis

app_name = "analyze-api"

urlpatterns: list = [
    path("<str:pcode>/", views_analysis.analysis_view, name="analysis"),
]
