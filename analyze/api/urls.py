from django.urls import path, re_path

from analyze.api import views, views_analysis

app_name = "analyze-api"

urlpatterns = [
    path("", views.AnalyzeView.as_view(), name="analyze"),
    re_path(r"^status/(?P<pcode>[0-9]{1,12})/$", views.DoorStatusView.as_view(), name="status"),
    path("<str:pcode>/", views_analysis.analysis_view, name="analysis"),
]
