import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_bad_env_value_fails_loudly():
    result = run_manage("check", DJANGO_DEBUG="yes")
    assert result.returncode != 0 and "DJANGO_DEBUG must be 0 or 1" in result.stderr


def test_secret_key_required_without_debug():
    result = run_manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY is required" in result.stderr


def test_check_deploy_leaves_only_the_proxy_https_redirect():
    result = run_manage(
        "check",
        "--deploy",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k3y-" + "abcdefghij0123456789" * 3,
        DJANGO_ALLOWED_HOSTS="tiaojie.example.gov.cn",
    )
    output = result.stdout + result.stderr
    warnings = re.findall(r"\((security\.W\d+)\)", output)
    assert warnings == ["security.W008"], output


def test_chinese_and_shanghai_defaults():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"


def test_commands_run_on_a_fresh_clone_with_nothing_set():
    result = run_manage("check")
    assert result.returncode == 0, result.stderr
