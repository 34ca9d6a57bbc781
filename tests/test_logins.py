"""Logins and sessions (issue 17): failed-login lockout per username and address (django-axes),
unlocked by the bureau in the admin; Django's password validators; idle and browser-close expiry."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from tests.conftest import PASSWORD
from tests.test_settings import run_manage

LOGIN = "/admin/login/?next=/admin/"


def sign_in(client: Client, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail_until_locked(client: Client, username: str, ip: str = "10.1.1.1"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, username, "wrong-password", ip)
    return response


def test_a_wrong_password_is_refused_in_chinese_without_locking(users, client):
    response = sign_in(client, "hr", "wrong-password")
    assert response.status_code == 200 and "请输入一个正确的" in response.content.decode()
    assert sign_in(client, "hr", PASSWORD).status_code == 302  # one mistake does not lock


def test_repeated_failures_lock_that_username_from_that_address(users, client):
    response = fail_until_locked(client, "hr")
    assert response.status_code == 429
    assert "已暂时锁定" in response.content.decode() and "联系区司法局管理员" in response.content.decode()
    locked = sign_in(client, "hr", PASSWORD)  # even the right password, from the same address
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    # the same username from another address, and another username from this one, still sign in
    assert sign_in(Client(), "hr", PASSWORD, ip="10.2.2.2").status_code == 302
    assert sign_in(Client(), "finance", PASSWORD).status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(users, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "hr", "wrong-password")
    assert sign_in(client, "hr", PASSWORD).status_code == 302


def test_the_bureau_unlocks_by_deleting_the_attempt(users, client, client_as):
    fail_until_locked(Client(), "hr")
    attempt = AccessAttempt.objects.get(username="hr")
    bureau = client_as(users.bureau)
    changelist = bureau.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and "已锁定" in changelist.content.decode()
    response = bureau.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert sign_in(Client(), "hr", PASSWORD).status_code == 302


@pytest.mark.parametrize("role", ["clerk_a", "hr", "finance"])
def test_only_the_bureau_sees_login_records(users, client_as, role):
    assert client_as(getattr(users, role)).get("/admin/axes/accessattempt/").status_code == 403


def test_lockout_ends_after_the_cool_off(users, client):
    fail_until_locked(client, "hr")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(1))
    assert sign_in(client, "hr", PASSWORD).status_code == 302


def test_password_validators_are_the_four_standard_ones_and_speak_chinese(users):
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as short_common_numeric:
            validate_password("1234567")
        with pytest.raises(ValidationError) as like_username:
            validate_password("finance1", users.finance)
    text = " ".join(short_common_numeric.value.messages)
    assert "密码长度太短" in text and "太常见" in text and "只包含数字" in text
    assert "相似" in " ".join(like_username.value.messages)
    validate_password("Tiaojie-2024-dadukou", users.finance)  # a good one passes


def test_the_password_change_page_applies_them(users, client_as):
    response = client_as(users.hr).post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200 and "这个密码太常见了" in response.content.decode()


def test_a_session_ends_at_browser_close_and_after_the_idle_time(users, client):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    response = sign_in(client, "hr", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    session = Session.objects.get()
    # every request renews the idle time
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    assert client.get("/admin/").status_code == 200
    renewed = Session.objects.get(pk=session.pk).expire_date - timezone.now()
    assert renewed > datetime.timedelta(hours=7, minutes=59)
    # idle longer than that: the next request finds no session and goes to the login page
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_idle_time_is_a_setting():
    code = "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"
    result = run_manage("shell", "-c", code, DJANGO_DEBUG="1", SESSION_IDLE_HOURS="2")
    assert result.stdout.strip().splitlines()[-1] == "7200", result.stderr
    assert (
        "SESSION_IDLE_HOURS must be an integer" in run_manage("check", DJANGO_DEBUG="1", SESSION_IDLE_HOURS="x").stderr
    )
