from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("branding/", include("branding.urls")),
    path("reports/", include("registry.kernel.reporting.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # setlang: the one way to switch to English
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
]
