"""The sign-in limits come from the environment, with sane defaults, in production settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "XIETONG_ENV": "production",
    "DJANGO_SECRET_KEY": "k3y-" + "x7Qp9" * 12,
    "DJANGO_ALLOWED_HOSTS": "xietong.example.gov.cn",
    "XIETONG_DATA_DIR": "/tmp",
}
PRINT = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'backends': s.AUTHENTICATION_BACKENDS, 'middleware': s.MIDDLEWARE,"
    "'account': s.AXES_FAILURE_LIMIT, 'address': s.XIETONG_ADDRESS_FAILURE_LIMIT,"
    "'minutes': s.AXES_COOLOFF_TIME.total_seconds() / 60, 'proxies': s.XIETONG_PROXY_COUNT,"
    "'refuse_demo': s.XIETONG_REFUSE_DEMO_PASSWORD,"
    "'validators': [v['NAME'] for v in s.AUTH_PASSWORD_VALIDATORS]}))"
)


def manage(*args, **env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "XIETONG_", "DATABASE_URL"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **PRODUCTION, **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(**env) -> dict:
    result = manage("shell", "-v", "0", "-c", PRINT, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_throttles_sign_ins_with_the_documented_defaults():
    settings = production_settings()
    assert settings["backends"][0] == "axes.backends.AxesStandaloneBackend"  # fails closed
    assert settings["middleware"][-1] == "axes.middleware.AxesMiddleware"
    assert (settings["account"], settings["address"], settings["minutes"]) == (5, 20, 15)
    assert settings["proxies"] == 0  # X-Forwarded-For ignored unless configured
    assert settings["refuse_demo"] is True
    assert "agencies.passwords.DemoPasswordValidator" in settings["validators"]


def test_the_limits_come_from_the_environment():
    settings = production_settings(
        XIETONG_LOCKOUT_ACCOUNT_FAILURES="3",
        XIETONG_LOCKOUT_ADDRESS_FAILURES="50",
        XIETONG_LOCKOUT_MINUTES="30",
        XIETONG_PROXY_COUNT="1",
    )
    assert (settings["account"], settings["address"], settings["minutes"]) == (3, 50, 30)
    assert settings["proxies"] == 1


def test_development_lets_the_demo_password_open_any_account():
    assert production_settings(XIETONG_ENV="development")["refuse_demo"] is False


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("XIETONG_LOCKOUT_ACCOUNT_FAILURES", "0", "must be 1 or more"),
        ("XIETONG_LOCKOUT_MINUTES", "soon", "is not an integer"),
        ("XIETONG_PROXY_COUNT", "-1", "must be 0 or more"),
    ],
)
def test_a_bad_limit_is_reported_in_one_line(name, value, fragment):
    result = manage("check", **{name: value})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert name in lines[0] and fragment in lines[0]
