from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig


class RegistryAdminConfig(AdminConfig):
    """django.contrib.admin with the project's site (config.admin) as `admin.site`."""

    default_site = "config.admin.RegistryAdminSite"


class LoginSecurityConfig(AxesAppConfig):
    """django-axes (failed-login throttling) under a Chinese name in the admin."""

    verbose_name = "登录安全"
