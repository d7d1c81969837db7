"""Test URLconf: the project's URLs plus the pricing app (until the lead wires it in)."""

from django.urls import include, path

from pcadvisor.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("pricing/", include("pricing.urls")),
    path("api/v1/pricing/", include("pricing.api.urls")),
]
