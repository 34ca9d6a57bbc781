from django.contrib.admin.apps import AdminConfig


class RegistryAdminConfig(AdminConfig):
    """django.contrib.admin with the project's site (config.admin) as `admin.site`."""

    default_site = "config.admin.RegistryAdminSite"
