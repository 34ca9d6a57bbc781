from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "培训"

    def ready(self) -> None:
        from registry.kernel import hooks
        from registry.kernel.reporting import ReportSpec
        from registry.kernel.roles import EDIT, VIEW, StaffRole
        from registry.kernel.worktiles import WorkTile
        from training.admin import training_history
        from training.services import mediator_training_facts
        from training.worktiles import count_untrained

        hooks.register(hooks.IMPORT_KIND, ("trainings", "training.resources.TrainingSessionResource"))
        hooks.register(hooks.IMPORT_KIND, ("attendance", "training.resources.AttendanceResource"))
        hooks.register(
            hooks.REPORT,
            ReportSpec(
                "training",
                "调解员培训",
                "training.reports.training",
                permission="training.view_trainingsession",
                overview="training.reports.training_overview",
            ),
        )
        hooks.register(hooks.DEMO_SEEDER, "training.demo.seed")
        hooks.register(hooks.SYNTHETIC_GENERATOR, "training.synthetic.steps")
        hooks.register(hooks.SCORECARD_MEASURES, "training.reports.scorecard_measures")
        hooks.register(
            hooks.WORK_TILE,
            WorkTile(
                "untrained",
                "本年度未参训的在岗调解员",
                (StaffRole.BUREAU, StaffRole.CLERK),
                count_untrained,
                "/reports/training/",
                permission="training.view_trainingsession",
            ),
        )
        models = ("training.trainingsession", "training.attendance")
        hooks.register(
            hooks.ROLE_PERMISSIONS,
            (
                "training",
                {
                    StaffRole.CLERK: {m: EDIT for m in models},
                    StaffRole.HR: {m: VIEW for m in models},
                    StaffRole.FINANCE: {m: VIEW for m in models},
                },
            ),
        )
        hooks.register(hooks.MEDIATOR_PANEL, training_history)
        hooks.register(hooks.MEDIATOR_FACTS, mediator_training_facts)
