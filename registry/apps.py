from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "花名册"

    def ready(self) -> None:
        from registry.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
