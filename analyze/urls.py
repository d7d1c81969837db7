from django.urls import path

from analyze import views_analysis

app_name = "analyze"

urlpatterns: list = [
    path("<str:pcode>/", views_analysis.analysis_page, name="analysis"),
]
