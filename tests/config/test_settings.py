"""Settings are production-safe by default and explain configuration mistakes in one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LONG_KEY = "k3y-" + "x7Qp9" * 12


def manage(*args, **env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "XIETONG_", "DATABASE_URL"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "XIETONG_DATA_DIR": "/tmp"})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line_error(result, *fragments):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ALLOWED_HOSTS="xietong.example.gov.cn")
    assert_one_line_error(result, "DJANGO_SECRET_KEY is not set")


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DJANGO_SECRET_KEY=LONG_KEY)
    assert_one_line_error(result, "DJANGO_ALLOWED_HOSTS is not set")


def test_production_refuses_debug():
    result = manage(
        "check", DJANGO_SECRET_KEY=LONG_KEY, DJANGO_ALLOWED_HOSTS="a.example", DJANGO_DEBUG="1"
    )
    assert_one_line_error(result, "DJANGO_DEBUG must not be on")


def test_production_settings_pass_the_deploy_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=LONG_KEY,
        DJANGO_ALLOWED_HOSTS="xietong.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("postgres//nobody@localhost/db", "unsupported scheme"),
        ("mysql://root@localhost/xietong", "unsupported scheme 'mysql'"),
        ("postgres://u@localhost:port/db", "malformed"),
        ("postgres://u@localhost:5432/", "names no database"),
        ("sqlite://", "names no database file"),
    ],
)
def test_a_malformed_database_url_gets_one_line(url, fragment):
    result = manage("check", XIETONG_ENV="development", DATABASE_URL=url)
    assert_one_line_error(result, "DATABASE_URL", fragment)


def test_a_database_url_password_is_not_echoed():
    result = manage(
        "check", XIETONG_ENV="development", DATABASE_URL="postgres://u:s3cret@localhost:bad/db"
    )
    assert_one_line_error(result, "DATABASE_URL")
    assert "s3cret" not in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = manage("check", XIETONG_ENV="staging")
    assert_one_line_error(result, "XIETONG_ENV='staging'")


def test_development_mode_runs_without_configuration():
    result = manage("check", XIETONG_ENV="development")
    assert result.returncode == 0, result.stderr


def test_the_product_speaks_chinese_in_shanghai_time(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ
    assert ("en", "English") in settings.LANGUAGES


def test_missing_debian_packages_get_one_line_with_the_command():
    result = subprocess.run(
        ["scripts/system-deps"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SYSDEPS_ROOT": "/nonexistent", "SYSDEPS_NO_INSTALL": "1"},
    )
    assert_one_line_error(result, "fonts-noto-cjk", "sudo apt-get install -y")
