from django.urls import path, re_path

from analyze import views, views_analysis

app_name = "analyze"

urlpatterns = [
    path("", views.door, name="door"),
    # before the analysis's <pcode>/: "status" is not a pcode
    re_path(r"^status/(?P<pcode>[0-9]{1,12})/$", views.status, name="status"),
    path("<str:pcode>/", views_analysis.analysis_page, name="analysis"),
]
