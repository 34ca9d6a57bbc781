"""People shown by their names (issue 15): add_staff --name, the user form's 姓名, the header,
the change history (login in brackets when two accounts share a name), the demo logins."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from registry.models import Mediator
from tests.factories import make_mediator


def test_add_staff_stores_the_name_and_keeps_it_when_not_given(district):
    out = io.StringIO()
    call_command("add_staff", "wangf", "--role", "clerk", "--area", "新山村街道", "--name", " 王芳 ", stdout=out)
    assert User.objects.get(username="wangf").first_name == "王芳"
    assert "王芳（wangf）" in out.getvalue()
    call_command("add_staff", "wangf", "--role", "bureau", stdout=io.StringIO())
    assert User.objects.get(username="wangf").first_name == "王芳"


def test_add_staff_refuses_a_name_too_long(district):
    with pytest.raises(CommandError, match="姓名.*过长"):
        call_command("add_staff", "longname", "--role", "hr", "--name", "名" * 200)
    assert not User.objects.filter(username="longname").exists()


def test_header_greets_by_name(users, client_as):
    users.clerk_a.first_name = "王芳"
    users.clerk_a.save()
    html = client_as(users.clerk_a).get("/admin/").content.decode()
    assert "欢迎，<strong>王芳</strong>" in html


def test_header_without_a_name_shows_the_login(users, client_as):
    assert "欢迎，<strong>bureau</strong>" in client_as(users.bureau).get("/admin/").content.decode()


def test_user_form_asks_for_one_name(users, client_as):
    client = client_as(users.bureau)
    for url in (f"/admin/auth/user/{users.clerk_a.pk}/change/", "/admin/auth/user/add/"):
        html = client.get(url).content.decode()
        assert '<label for="id_first_name">姓名' in html, url
        assert "id_last_name" not in html


def test_history_names_who_changed_a_record_with_the_login_when_names_collide(users, client_as):
    for user, name in ((users.clerk_a, "王芳"), (users.bureau, "李强")):
        user.first_name = name
        user.save()
    person = make_mediator("张三")
    for user, remarks in ((users.clerk_a, "一"), (users.bureau, "二")):
        person.remarks, person._history_user = remarks, user
        person.save()
    client = client_as(users.bureau)
    url = f"/admin/registry/mediator/{person.pk}/history/"
    html = client.get(url).content.decode()
    assert ">王芳</a>" in html and ">李强</a>" in html
    users.hr.first_name = "王芳"  # a second 王芳: each is told apart by login
    users.hr.save()
    html = client.get(url).content.decode()
    assert ">王芳（clerk_a）</a>" in html and ">李强</a>" in html


def test_history_page_queries_do_not_grow_with_changes(users, client_as, django_assert_max_num_queries):
    person = make_mediator("张三")
    client = client_as(users.bureau)
    for n in range(30):
        person.remarks, person._history_user = str(n), users.bureau if n % 2 else users.clerk_a
        person.save()
    with django_assert_max_num_queries(25):
        assert client.get(f"/admin/registry/mediator/{person.pk}/history/").status_code == 200
    assert Mediator.history.count() == 31


def test_demo_logins_have_names(db):
    call_command("seed_demo", stdout=io.StringIO())
    names = dict(User.objects.filter(username__startswith="demo_").values_list("username", "first_name"))
    assert names == {"demo_bureau": "陈立新", "demo_clerk": "王芳", "demo_hr": "刘洋", "demo_finance": "赵敏"}
