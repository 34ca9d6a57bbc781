from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = "补贴"

    def ready(self) -> None:
        from registry.kernel import hooks
        from registry.kernel.reporting import ReportSpec
        from registry.kernel.roles import VIEW, StaffRole
        from registry.kernel.worktiles import WorkTile
        from subsidies.models import PayoutStatus
        from subsidies.worktiles import count_approved, count_pending

        hooks.register(hooks.IMPORT_KIND, ("payouts", "subsidies.resources.PayoutResource"))
        hooks.register(
            hooks.REPORT,
            ReportSpec(
                "subsidies",
                "调解员补贴发放",
                "subsidies.reports.subsidies",
                permission="subsidies.view_payout",
                overview="subsidies.reports.subsidies_overview",
            ),
        )
        hooks.register(hooks.DEMO_SEEDER, "subsidies.demo.seed")
        hooks.register(hooks.SYNTHETIC_GENERATOR, "subsidies.synthetic.steps")
        pending = PayoutStatus.PENDING.value
        for tile in [
            WorkTile(
                "payouts_pending",
                "待审核的补贴申报",
                (StaffRole.BUREAU, StaffRole.CLERK),
                count_pending,
                f"/admin/subsidies/payout/?status__exact={pending}",
                permission="subsidies.view_payout",
            ),
            WorkTile(
                "payouts_to_pay",
                "已审核待发放的补贴",
                (StaffRole.FINANCE,),
                count_approved,
                f"/admin/subsidies/payout/?status__exact={PayoutStatus.APPROVED.value}",
                permission="subsidies.view_payout",
            ),
        ]:
            hooks.register(hooks.WORK_TILE, tile)
        hooks.register(
            hooks.ROLE_PERMISSIONS,
            (
                "subsidies",
                {
                    # a clerk enters claims in scope, never approves them
                    StaffRole.CLERK: {
                        "subsidies.payout": ("view", "add", "change"),
                        "subsidies.subsidystandard": VIEW,
                        "subsidies.budget": VIEW,
                    },
                    # hr reads everything: claims, standards and budgets (SPEC §5)
                    StaffRole.HR: {
                        "subsidies.payout": VIEW,
                        "subsidies.subsidystandard": VIEW,
                        "subsidies.budget": VIEW,
                    },
                    # finance pays what the bureau approved: no change, so amounts are read-only to it
                    StaffRole.FINANCE: {
                        "subsidies.payout": ("view", "pay"),
                        "subsidies.subsidystandard": VIEW,
                        "subsidies.budget": VIEW,
                    },
                },
            ),
        )
