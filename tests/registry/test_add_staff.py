import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.http import HttpRequest

from registry.kernel.scope import scope_areas


def test_creates_a_clerk_who_can_sign_in_with_scope(district, client):
    call_command("add_staff", "wang", "--role", "clerk", "--area", "新山村街道", "--password", "s3cret-pw")
    user = User.objects.get(username="wang")
    assert user.is_staff and not user.is_superuser
    assert [g.name for g in user.groups.all()] == ["镇街录入员"]
    assert set(scope_areas(user)) == {district.a, district.a1}
    # django-axes needs the request in authenticate() (axes docs: pass one to the test client's login)
    assert client.login(request=HttpRequest(), username="wang", password="s3cret-pw")
    assert client.get("/admin/").status_code == 200


def test_updates_role_and_clears_area(district):
    call_command("add_staff", "li", "--role", "clerk", "--area", "新山村街道", "--password", "pw-123456")
    call_command("add_staff", "li", "--role", "bureau")
    user = User.objects.get(username="li")
    assert [g.name for g in user.groups.all()] == ["司法局管理员"]
    assert user.staff_profile.area is None and scope_areas(user) is None
    assert user.check_password("pw-123456")  # unchanged without --password


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "clerk"], "必须用 --area"),
        (["--role", "clerk", "--area", "不存在街道"], "不存在"),
        (["--role", "clerk", "--area", "新山社区"], "只能负责乡镇或街道"),
        (["--role", "hr", "--area", "新山村街道"], "只有镇街录入员"),
    ],
)
def test_refuses_bad_arguments_in_chinese(district, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("add_staff", "zhao", *args)
    assert not User.objects.filter(username="zhao").exists()


def test_new_user_without_password_gets_one_printed(district, capsys):
    call_command("add_staff", "qian", "--role", "finance")
    out = capsys.readouterr().out
    password = out.split("初始密码：")[1].strip()
    assert User.objects.get(username="qian").check_password(password)


def test_a_weak_password_is_refused_in_chinese(district):
    with pytest.raises(CommandError, match="密码不符合要求：.*太常见"):
        call_command("add_staff", "zhou", "--role", "hr", "--password", "password")
    with pytest.raises(CommandError, match="太相似"):
        call_command("add_staff", "zhoujielun", "--role", "hr", "--password", "zhoujielun1")
    assert not User.objects.filter(username__startswith="zhou").exists()
