from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "花名册"

    def ready(self) -> None:
        from registry.kernel import hooks
        from registry.kernel.reporting import ReportSpec
        from registry.kernel.roles import EDIT, VIEW, StaffRole, sync_role_groups
        from registry.models import ROOM_HOST_KIND
        from registry.policy import STAFFING_QUOTAS

        kinds = {"areas": "Area", "hostunits": "HostUnit", "organizations": "Organization", "mediators": "Mediator"}
        for kind, model in {**kinds, "experts": "Expert"}.items():
            hooks.register(hooks.IMPORT_KIND, (kind, f"registry.resources.{model}Resource"))
        for spec in [
            ReportSpec(
                "staffing",
                "专职人民调解员配备",
                "registry.reports.staffing",
                kinds=tuple(kind.value for kind in STAFFING_QUOTAS),
            ),
            ReportSpec("experts", "行业性专业性调委会专业力量", "registry.reports.experts"),
            ReportSpec("committees", "人民调解委员会建成率", "registry.reports.committees"),
            ReportSpec(
                "rooms",
                "派驻调解室覆盖率",
                "registry.reports.rooms",
                kinds=tuple(kind.value for kind in ROOM_HOST_KIND),
            ),
        ]:
            hooks.register(hooks.REPORT, spec)
        hooks.register(hooks.DEMO_SEEDER, "registry.demo.seed")
        roster = ("area", "organization", "mediator", "membership", "expert", "hostunit")
        hooks.register(
            hooks.ROLE_PERMISSIONS,
            (
                "registry",
                {
                    StaffRole.CLERK: {
                        "registry.area": ("view", "add", "change"),
                        **{f"registry.{m}": EDIT for m in roster if m != "area"},
                    },
                    StaffRole.HR: {f"registry.{m}": VIEW for m in roster},
                    StaffRole.FINANCE: {f"registry.{m}": VIEW for m in roster},
                },
            ),
        )
        post_migrate.connect(sync_role_groups, sender=self)
