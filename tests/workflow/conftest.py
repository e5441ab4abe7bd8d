"""Holiday files and the load_holidays command for the calendar tests."""

from io import StringIO
from textwrap import dedent

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from workflow.selectors import forget_holiday_coverage

# A made-up year for tests only: NOT the State Council's 2027 schedule (not published yet).
# A five-day "holiday" Monday 8 - Friday 12 February 2027, Saturday 20 February worked.
FAKE_2027 = """\
    year = 2027
    notice = "测试〔2026〕1号"
    title = "测试用：2027年虚构节假日安排（并非国务院通知）"

    [[holiday]]
    name = "虚构春节"
    off = ["2027-02-06..2027-02-14"]
    days = 9
    work = ["2027-02-20"]

    [[holiday]]
    name = "虚构元旦"
    off = [2027-01-01]
"""


@pytest.fixture(autouse=True)
def _fresh_holiday_coverage():
    """The coverage answer is remembered per process; a test's rolled-back load must not
    leak into the next test."""
    forget_holiday_coverage()
    yield
    forget_holiday_coverage()


@pytest.fixture
def fake_2027():
    """The made-up 2027 file's text (see FAKE_2027), to vary in a test."""
    return dedent(FAKE_2027)


@pytest.fixture
def holiday_file(tmp_path):
    """Write a holiday file (text, dedented, or bytes) and return its path."""
    counter = iter(range(1, 1000))

    def write(content: str | bytes = FAKE_2027, name: str | None = None):
        path = tmp_path / (name or f"holidays-{next(counter)}.toml")
        if isinstance(content, str):
            path.write_text(dedent(content), encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write


@pytest.fixture
def load_holidays():
    """Run the command (in English, for stable assertions); returns (stdout, stderr).

    A CommandError propagates with what was printed as its .stdout and .stderr."""

    def run(path, *args):
        out, err = StringIO(), StringIO()
        try:
            with translation.override("en"):
                call_command("load_holidays", str(path), *args, stdout=out, stderr=err)
        except CommandError as exc:
            exc.stdout, exc.stderr = out.getvalue(), err.getvalue()
            raise
        return out.getvalue(), err.getvalue()

    return run
