"""Every action the code can write has words in audit/actions.py, in Chinese."""

import re
from pathlib import Path

from django.utils import translation

from audit.actions import LABELS, action_label

ROOT = Path(__file__).resolve().parents[2]
APPS = ("agencies", "audit", "cases", "config", "core", "documents", "meetings")
APPS += ("notifications", "workflow")


def written_codes() -> set[str]:
    """Codes written literally (action="x.y"), and the prefixes of those built from a value
    (action=f"x.{…}" or "x." + …), which must each have at least one label."""
    literal, built = set(), set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text()
            literal |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', text))
            built |= set(re.findall(r'action=f"([a-z_]+\.[a-z_.]*)\{', text))
            built |= set(re.findall(r'action="([a-z_]+\.[a-z_.]*)"\s*\+', text))
    return literal - built, built


def test_every_literal_action_code_has_a_label():
    literal, _built = written_codes()
    assert len(literal) > 50
    assert sorted(literal - set(LABELS)) == []


def test_every_built_action_code_has_its_labels():
    _literal, built = written_codes()
    for prefix in built:
        assert any(code.startswith(prefix) and code != prefix for code in LABELS), prefix


def test_labels_are_translated():
    with translation.override("en"):
        english = {code: str(label) for code, label in LABELS.items()}
    with translation.override("zh-hans"):
        chinese = {code: str(label) for code, label in LABELS.items()}
        assert action_label("unknown.code") == "unknown.code"
    assert [code for code in LABELS if chinese[code] == english[code]] == []
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in chinese.values())
