"""The site's public address, on which every e-mail link is built: checked when the settings
load, one line for a mistake, and in production taken from the allowed host when not set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_site_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://xietong.ybj.jl.gov.cn", "https://xietong.ybj.jl.gov.cn"),
        ("https://xietong.ybj.jl.gov.cn/", "https://xietong.ybj.jl.gov.cn"),
        (" http://10.1.2.3:8443 ", "http://10.1.2.3:8443"),
    ],
)
def test_a_site_address_is_taken_as_given(monkeypatch, raw, expected):
    monkeypatch.setenv("XIETONG_SITE_URL", raw)
    assert env_site_url("XIETONG_SITE_URL", "http://127.0.0.1:8000") == expected


@pytest.mark.parametrize(
    "raw",
    [
        "xietong.ybj.jl.gov.cn",
        "ftp://xietong.ybj.jl.gov.cn",
        "https://xietong.ybj.jl.gov.cn/xietong",
        "https://",
        "https://host:port",
        "https://user@host",
    ],
)
def test_a_wrong_site_address_is_refused_in_one_line(monkeypatch, raw):
    monkeypatch.setenv("XIETONG_SITE_URL", raw)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_site_url("XIETONG_SITE_URL", "http://127.0.0.1:8000")
    assert "XIETONG_SITE_URL" in str(refused.value) and "\n" not in str(refused.value)


def settings_value(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "XIETONG_", "DATABASE_URL"))
    }
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "XIETONG_DATA_DIR": "/tmp",
            "DJANGO_SECRET_KEY": "k3y-" + "x7Qp9" * 12,
            **env,
        }
    )
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.XIETONG_SITE_URL)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_links_to_the_first_allowed_host_unless_told_otherwise():
    result = settings_value(DJANGO_ALLOWED_HOSTS="xietong.ybj.jl.gov.cn,10.1.2.3")
    assert result.stdout.strip() == "https://xietong.ybj.jl.gov.cn", result.stderr
    told = settings_value(
        DJANGO_ALLOWED_HOSTS="xietong.ybj.jl.gov.cn", XIETONG_SITE_URL="https://xt.example.cn"
    )
    assert told.stdout.strip() == "https://xt.example.cn", told.stderr
    wildcard = settings_value(DJANGO_ALLOWED_HOSTS=".ybj.jl.gov.cn")
    assert wildcard.returncode != 0 and "XIETONG_SITE_URL is not set" in wildcard.stderr
