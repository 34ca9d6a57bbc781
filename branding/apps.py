from django.apps import AppConfig


class BrandingConfig(AppConfig):
    name = "branding"
    verbose_name = "品牌与表彰"

    def ready(self) -> None:
        from branding import admin
        from branding.models import StudioStatus
        from branding.worktiles import count_cultivating
        from registry.kernel import hooks
        from registry.kernel.reporting import ReportSpec
        from registry.kernel.roles import EDIT, VIEW, StaffRole
        from registry.kernel.worktiles import WorkTile

        hooks.register(hooks.IMPORT_KIND, ("commendations", "branding.resources.CommendationResource"))
        hooks.register(hooks.IMPORT_KIND, ("studios", "branding.resources.StudioResource"))
        hooks.register(
            hooks.REPORT,
            ReportSpec("brands", "调解品牌建设", "branding.reports.brands", permission="branding.view_studio"),
        )
        hooks.register(hooks.DEMO_SEEDER, "branding.demo.seed")
        hooks.register(hooks.SYNTHETIC_GENERATOR, "branding.synthetic.steps")
        hooks.register(hooks.SCORECARD_MEASURES, "branding.reports.scorecard_measures")
        hooks.register(
            hooks.WORK_TILE,
            WorkTile(
                "studios_cultivating",
                "培育中的品牌调解工作室",
                (StaffRole.HR,),
                count_cultivating,
                f"/admin/branding/studio/?status__exact={StudioStatus.CULTIVATING.value}",
                permission="branding.view_studio",
            ),
        )
        models = ("branding.studio", "branding.commendation")
        hooks.register(
            hooks.ROLE_PERMISSIONS,
            (
                "branding",
                {
                    StaffRole.CLERK: {m: VIEW for m in models},
                    StaffRole.HR: {m: EDIT for m in models},
                    StaffRole.FINANCE: {m: VIEW for m in models},  # everyone reads studios and commendations
                },
            ),
        )
        for inline in (admin.StudioOnMediatorInline, admin.CommendationOnMediatorInline):
            hooks.register(hooks.MEDIATOR_INLINE, inline)
        for inline in (admin.StudioOnOrganizationInline, admin.CommendationOnOrganizationInline):
            hooks.register(hooks.ORGANIZATION_INLINE, inline)
        hooks.register(hooks.MEDIATOR_PANEL, admin.honours_roll_link)
