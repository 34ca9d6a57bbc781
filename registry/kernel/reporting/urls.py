"""Report pages, mounted at /reports/ by config/urls.py; admin_view = staff login, admin look."""

from django.contrib import admin
from django.urls import path

from registry.kernel.reporting import views

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard_view), name="reports-dashboard"),
    path("<slug:name>/", admin.site.admin_view(views.report_view), name="report"),
]
