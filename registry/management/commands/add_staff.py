from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from registry.kernel.roles import StaffRole
from registry.services import staff_user_save


class Command(BaseCommand):
    help = "创建或更新一个可登录管理后台的工作人员账号（SPEC §4）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=StaffRole.values)
        parser.add_argument("--area", help="镇街录入员负责的乡镇/街道名称")
        parser.add_argument("--password")
        parser.add_argument("--name", help="姓名，页面上显示的是姓名而不是账号，如 王芳")

    def handle(self, *args, username, role, area, password, name, **options):
        if password:  # the same rules as the admin's password forms (settings.AUTH_PASSWORD_VALIDATORS)
            try:
                validate_password(password, User(username=username))
            except ValidationError as exc:
                raise CommandError("密码不符合要求：" + "".join(exc.messages)) from None
        try:
            user, created, generated = staff_user_save(
                username=username, role=role, area_name=area, password=password, name=name
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        verb = "已创建" if created else "已更新"
        who = f"{user.first_name}（{user.username}）" if user.first_name else user.username
        self.stdout.write(f"{verb}账号 {who}：{StaffRole(role).label}{'，' + area if area else ''}")
        if generated:
            self.stdout.write(f"初始密码：{generated}")
