import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from registry.kernel import hooks
from registry.kernel.roles import StaffRole
from registry.services import staff_user_save

DEMO_PASSWORD = "demo12345"
DEMO_LOGINS = [  # login, role, town (clerks), 姓名 (synthetic, like the rest of the demo)
    ("demo_bureau", StaffRole.BUREAU, None, "陈立新"),
    ("demo_clerk", StaffRole.CLERK, "新山村街道", "王芳"),
    ("demo_hr", StaffRole.HR, None, "刘洋"),
    ("demo_finance", StaffRole.FINANCE, None, "赵敏"),
]


class Command(BaseCommand):
    help = "载入大渡口区演示数据（合成数据，可重复运行）并为每个角色创建演示账号。"

    def handle(self, *args, **options):
        rng = random.Random(2020)  # fixed seed: the same demo every time, so re-runs change nothing
        with transaction.atomic():
            for path in hooks.get(hooks.DEMO_SEEDER):  # each app registers its own, in INSTALLED_APPS order
                import_string(path)(rng)
            for username, role, area, name in DEMO_LOGINS:
                staff_user_save(username=username, role=role, area_name=area, password=DEMO_PASSWORD, name=name)
        self.stdout.write("演示数据已就绪。演示账号（密码均为 %s）：" % DEMO_PASSWORD)
        for username, role, area, name in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14}{name} · {StaffRole(role).label}{'（' + area + '）' if area else ''}")
