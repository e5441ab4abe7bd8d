"""Missing Debian libraries or fonts are reported as one line with the fix."""

from pathlib import Path

from documents import checks


def test_everything_present_reports_nothing():
    assert checks.pdf_dependencies(None) == []


def test_missing_libraries_and_fonts_are_named_with_the_package(monkeypatch):
    monkeypatch.setattr(checks.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(checks, "CJK_FONT_FILES", ["/nonexistent/font.ttc"])
    problems = {problem.id: problem for problem in checks.pdf_dependencies(None)}
    assert set(problems) == {"xietong.E001", "xietong.W001", "xietong.W002"}
    assert "libharfbuzz-subset0" in problems["xietong.W001"].hint
    assert "fonts-noto-cjk" in problems["xietong.W002"].hint
    for problem in problems.values():
        assert "\n" not in problem.msg and problem.hint.startswith("Run: sudo apt-get install")


def test_the_font_paths_checked_are_the_ones_debian_installs():
    assert any(Path(path).exists() for path in checks.CJK_FONT_FILES)
