from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from pcadvisor import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("soon/<slug:area>/", views.coming_soon, name="coming_soon"),
    path("catalog/", include("catalog.urls")),
    path("pricing/", include("pricing.urls")),
    path("api/v1/pricing/", include("pricing.api.urls")),
    path("trends/", include("trends.urls")),
    path("api/v1/trends/", include("trends.api.urls")),
    path("similarity/", include("similarity.urls")),
    path("recommend/", include("recommend.urls")),
    path("api/v1/recommend/", include("recommend.api.urls")),
    path("analyze/", include("analyze.urls")),
    path("api/v1/analyze/", include("analyze.api.urls")),
    # the root of /api/v1/ lists every app's endpoints (the catalog router's root would list
    # only the catalog's), so it comes before the catalog's routes
    path("api/v1/", views.ApiRootView.as_view(), name="api-root"),
    path("api/v1/", include("similarity.api.urls")),
    path("api/v1/", include("catalog.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    # The embedded default has no separate file server; production serves media elsewhere.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "pcadvisor.views.bad_request"
handler404 = "pcadvisor.views.page_not_found"
handler500 = "pcadvisor.views.server_error"

admin.site.site_header = "PC Advisor 관리"
admin.site.site_title = "PC Advisor"
