from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "花名册"

    def ready(self) -> None:
        from registry.kernel import hooks
        from registry.kernel.excel.records_admin import count_problem_imports
        from registry.kernel.reporting import ReportSpec
        from registry.kernel.roles import EDIT, VIEW, StaffRole, sync_role_groups
        from registry.kernel.worktiles import WorkTile
        from registry.models import ROOM_HOST_KIND
        from registry.policy import STAFFING_QUOTAS
        from registry.worktiles import count_expired_terms, count_short_required

        kinds = {"areas": "Area", "hostunits": "HostUnit", "organizations": "Organization", "mediators": "Mediator"}
        for kind, model in {**kinds, "experts": "Expert"}.items():
            hooks.register(hooks.IMPORT_KIND, (kind, f"registry.resources.{model}Resource"))
        for spec in [
            ReportSpec(
                "staffing",
                "专职人民调解员配备",
                "registry.reports.staffing",
                kinds=tuple(kind.value for kind in STAFFING_QUOTAS),
                overview="registry.reports.staffing_overview",
            ),
            ReportSpec(
                "experts",
                "行业性专业性调委会专业力量",
                "registry.reports.experts",
                overview="registry.reports.experts_overview",
            ),
            ReportSpec(
                "committees",
                "人民调解委员会建成率",
                "registry.reports.committees",
                overview="registry.reports.committees_overview",
            ),
            ReportSpec(
                "rooms",
                "派驻调解室覆盖率",
                "registry.reports.rooms",
                kinds=tuple(kind.value for kind in ROOM_HOST_KIND),
                overview="registry.reports.rooms_overview",
            ),
            ReportSpec("coverage", "调解中心、重点部门与重点领域覆盖", "registry.reports.coverage"),
            ReportSpec(
                "terms", "人民调解委员会换届", "registry.reports.terms", overview="registry.reports.terms_overview"
            ),
            ReportSpec(
                "scorecard",
                "镇街年度考核",
                "registry.reports.scorecard",
                template="reports/scorecard.html",
                on_dashboard=False,
            ),
            ReportSpec("composition", "调解员队伍结构", "registry.reports.composition", on_dashboard=False),
        ]:
            hooks.register(hooks.REPORT, spec)
        hooks.register(hooks.SCORECARD_MEASURES, "registry.reports.scorecard_measures")
        for tile in [
            WorkTile(
                "short_required",
                "须配备专职但未配齐的调解组织",
                (StaffRole.BUREAU, StaffRole.CLERK),
                count_short_required,
                "/admin/registry/organization/?staffing=short",
                permission="registry.view_organization",
            ),
            WorkTile(
                "imports_with_errors",
                "今天有错误的导入",
                (StaffRole.BUREAU, StaffRole.CLERK),
                count_problem_imports,
                "/admin/registry/importrecord/?problems=today",
                permission="registry.view_importrecord",
            ),
            WorkTile(
                "expired_terms",
                "任期已届满的人民调解委员会",
                (StaffRole.BUREAU, StaffRole.CLERK),
                count_expired_terms,
                "/admin/registry/organization/?term=expired",
                permission="registry.view_organization",
            ),
        ]:
            hooks.register(hooks.WORK_TILE, tile)
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
                        "registry.importrecord": VIEW,  # their town's (ImportRecordQuerySet.visible_to)
                    },
                    StaffRole.HR: {**{f"registry.{m}": VIEW for m in roster}, "registry.importrecord": VIEW},
                    StaffRole.FINANCE: {**{f"registry.{m}": VIEW for m in roster}, "registry.importrecord": VIEW},
                    # besides every registry permission (the access records among them): django-axes'
                    # login records, read; deleting an attempt unlocks that username and address
                    StaffRole.BUREAU: {
                        "axes.accessattempt": ("view", "delete"),
                        "axes.accessfailurelog": VIEW,
                        "axes.accesslog": VIEW,
                    },
                },
            ),
        )
        post_migrate.connect(sync_role_groups, sender=self)
