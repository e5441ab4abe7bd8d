"""Response headers: a strict Content-Security-Policy on every page, signed-in pages never
stored by browsers or proxies, and templates that need nothing inline."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
def test_the_login_page_has_a_self_only_policy(client):
    directives = policy(client.get(reverse("login")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    style = directives["style-src"]
    assert style[0] == "'self'" and len(style) == 2 and style[1].startswith("'nonce-")
    assert not [v for values in directives.values() for v in values if "unsafe" in v]
    assert not [v for values in directives.values() for v in values if "http" in v]


@pytest.mark.django_db
def test_the_nonce_in_the_page_is_the_one_in_the_policy(client):
    response = client.get(reverse("login"))
    nonce = policy(response)["style-src"][1][len("'nonce-") : -1]
    assert f'<meta name="csp-nonce" content="{nonce}">' in response.content.decode()
    again = policy(client.get(reverse("login")))["style-src"][1]
    assert again != f"'nonce-{nonce}'", "a fresh nonce per response"


def test_signed_in_pages_are_private_and_never_stored(client, officer):
    client.force_login(officer)
    for url in ("/", reverse("cases:index"), reverse("meetings:index")):
        response = client.get(url)
        assert response.status_code == 200
        parts = {p.strip() for p in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= parts, url
        assert "Content-Security-Policy" in response


def test_error_pages_carry_the_policy_too(client, officer):
    client.force_login(officer)
    response = client.get("/cases/999999/")
    assert response.status_code == 404
    assert policy(response)["script-src"] == ["'self'"]


def test_a_pdf_is_not_given_a_page_policy(client, sysadmin):
    client.force_login(sysadmin)
    response = client.get(reverse("documents:sample_pdf", args=["notice"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in response


INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def page_templates():
    # templates/documents/ are laid out by WeasyPrint into PDFs, never shown in a browser
    return [
        path
        for path in (ROOT / "templates").rglob("*.html")
        if "documents" not in path.relative_to(ROOT / "templates").parts[:1]
    ]


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_page_templates_need_nothing_inline(path):
    text = path.read_text()
    for pattern in (INLINE_HANDLER, INLINE_SCRIPT, STYLE_ATTRIBUTE, STYLE_ELEMENT):
        assert not pattern.search(text), f"{pattern.pattern} in {path.name}"


def test_the_process_chart_has_no_inline_styles():
    from workflow.chart import without_inline_styles

    svg = (
        '<svg><style type="text/css"><![CDATA[ g.done rect.task { fill: #c8e6c9; } ]]></style>'
        '<path d="M0,0" style="pointer-events: none"/></svg>'
    )
    cleaned = without_inline_styles(svg)
    assert "<style" not in cleaned and "style=" not in cleaned
    assert 'pointer-events="none"' in cleaned
