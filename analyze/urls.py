from django.urls import path, re_path

from analyze import views

app_name = "analyze"

urlpatterns = [
    path("", views.door, name="door"),
    re_path(r"^status/(?P<pcode>[0-9]{1,12})/$", views.status, name="status"),
    # placeholder: replaced by the analysis page at merge
    path("<str:pcode>/", views.analysis_placeholder, name="analysis"),
]
