"""`manage.py make_synthetic --tier district|city|province|nation [--scale X]`: a synthetic
roster for benchmarks and demos (registry.synthetic). Never for production data."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string
from tqdm import tqdm

from registry import synthetic
from registry.kernel import hooks
from registry.kernel.reporting.cache import invalidate_overviews


class Command(BaseCommand):
    help = "生成合成数据（区县/城市/省/全国规模），仅用于性能测试和演示，切勿用于生产。中断后重新运行会从中断处继续。"

    def add_arguments(self, parser):
        parser.add_argument("--tier", required=True, choices=list(synthetic.TIERS), help="规模")
        parser.add_argument("--scale", type=float, default=1.0, help="在该规模上再乘以的系数，如 0.1 或 2")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **options):
        if not 0 < options["scale"] <= 10:
            raise CommandError("--scale 应在 0 到 10 之间，如 0.5。")
        self.stderr.write(self.style.WARNING(synthetic.WARNING))
        tier = synthetic.TIERS[options["tier"]].scaled(options["scale"])
        began = time.monotonic()
        written = self.load(tier, progress=None if options["no_progress"] else tqdm)
        invalidate_overviews()  # bulk writes leave no history, which the dashboard cache watches
        seconds = time.monotonic() - began
        self.stdout.write(
            f"合成数据已就绪（{options['tier']} ×{options['scale']:g}：{tier.towns} 个乡镇/街道、"
            f"{tier.villages} 个村/社区、约 {tier.organizations} 个调解组织、{tier.mediators} 名调解员），"
            f"写入 {sum(written.values())} 批，用时 {seconds:.0f} 秒。仅供性能测试和演示。"
        )

    def load(self, tier: synthetic.Tier, progress=None, batch: int | None = None) -> dict[str, int]:
        return synthetic.run_steps(all_steps(synthetic.SyntheticPlan(tier)), progress, batch)


def all_steps(plan: synthetic.SyntheticPlan) -> list[synthetic.Step]:
    """The roster's steps, then each app's (INSTALLED_APPS order)."""
    steps = list(synthetic.steps(plan))
    for path in hooks.get(hooks.SYNTHETIC_GENERATOR):
        steps += import_string(path)(plan)
    return steps
