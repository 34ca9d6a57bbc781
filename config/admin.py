"""The admin site: its index and sidebar list the work by task, not alphabetically.

Each app already names a task (花名册, 培训, 补贴, 品牌与表彰); this puts the tasks, and
the pages inside each, in the order a person reaches for them. The report pages
(统计报表) are added by templates/admin/index.html and nav_sidebar.html.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin

# app label -> model names, in the order they are used; anything unlisted follows alphabetically.
TASKS: dict[str, list[str]] = {
    "registry": ["mediator", "membership", "organization", "expert", "hostunit", "area"],
    "training": ["trainingsession", "attendance"],
    "subsidies": ["payout", "subsidystandard", "budget"],
    "branding": ["commendation", "studio"],
    "axes": ["accessattempt", "accessfailurelog", "accesslog"],
    "auth": ["user", "group"],
}
TASK_NAMES = {"auth": "账号与权限"}


def _position(order: list[str], key: str) -> tuple[int, str]:
    return (order.index(key), "") if key in order else (len(order), key)


class RegistryAdminSite(admin.AdminSite):
    site_header = site_title = settings.SITE_NAME
    index_title = "工作台"
    site_url = None  # "/" only leads back here, so no "查看站点" link

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        apps.sort(key=lambda app: _position(list(TASKS), app["app_label"]) + (app["name"],))
        for app in apps:
            app["name"] = TASK_NAMES.get(app["app_label"], app["name"])
            order = TASKS.get(app["app_label"], [])
            app["models"].sort(key=lambda model: _position(order, model["object_name"].lower()) + (model["name"],))
        return apps
