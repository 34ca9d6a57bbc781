from django.apps import apps
from django.core.management.base import BaseCommand

from registry.kernel.fields import PinyinField, refresh_derived


class Command(BaseCommand):
    help = "重算所有姓名、名称的拼音排序键和首字母（修改 registry/kernel/surnames.tsv 之后运行）。"

    def handle(self, *args, **options):
        for model in apps.get_models():
            if any(isinstance(f, PinyinField) for f in model._meta.concrete_fields):
                changed = refresh_derived(model)
                self.stdout.write(f"{model._meta.verbose_name}：更新 {changed} 条")
