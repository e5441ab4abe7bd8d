"""Every user-facing string has a committed zh-hans translation."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs GNU gettext (make test installs it)")
def test_every_entry_is_translated_and_none_is_fuzzy():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # e.g. "182 translated messages." or "180 translated messages, 2 untranslated messages."
    assert re.fullmatch(r"\d+ translated messages\.", result.stderr.strip()), result.stderr
    assert int(result.stderr.split()[0]) > 100
