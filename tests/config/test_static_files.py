"""Production's static files: collectstatic with the manifest storage succeeds, and pages
then link the hashed copies (without a manifest every page, the error pages too, is a 500)."""

import json
import re
from pathlib import PurePosixPath

import pytest
from django.core.management import call_command
from whitenoise.compress import Compressor

USED_BY_EVERY_PAGE = (
    "viewflow/css/viewflow.min.css",
    "viewflow/fonts/roboto/roboto-fontface.css",
    "viewflow/fonts/material-icons/material-icons.css",
    "viewflow/js/viewflow.min.js",
    "xietong/xietong.css",
)


def hashed(path: str) -> str:
    """The pattern of the name the manifest storage gives `path`: name.<12 hex>.ext"""
    pure = PurePosixPath(path)
    return re.escape(str(pure.with_suffix(""))) + r"\.[0-9a-f]{12}" + re.escape(pure.suffix)


@pytest.fixture
def production_static(settings, tmp_path, monkeypatch):
    """The production storage backend collecting into a temporary STATIC_ROOT.

    Compression is skipped: it takes a minute over viewflow's 49 MB and is not what fails
    here (the manifest's post-processing of CSS is). The CI smoke run does the real thing.
    """
    monkeypatch.setattr(Compressor, "should_compress", lambda self, filename: False)
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": settings.PRODUCTION_STATICFILES_BACKEND},
    }
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_collectstatic_writes_the_manifest_with_the_production_storage(production_static):
    paths = json.loads((production_static / "staticfiles.json").read_text())["paths"]
    for path in USED_BY_EVERY_PAGE:
        assert re.fullmatch(hashed(path), paths[path]), path
    # the fonts the page CSS refers to were found and hashed too
    fontface = (production_static / paths["viewflow/fonts/roboto/roboto-fontface.css"]).read_text()
    assert re.search(hashed("Roboto-Regular.woff2"), fontface)
    # viewflow's bundled npm folders (whose CSS names fonts the wheel lacks) stay out
    assert not [path for path in paths if "node_modules" in path]


@pytest.mark.django_db
def test_pages_link_the_hashed_copies(production_static, client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    for path in USED_BY_EVERY_PAGE:
        assert re.search("/static/" + hashed(path), html), path
