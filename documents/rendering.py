"""Rendering official documents: content in, PDF bytes out.

`render_pdf(content)` is a pure function of the content (and the installed fonts). Fonts are
registered once per process and the layout is computed once per call; WeasyPrint fetches only
through SafeURLFetcher.
"""

import threading
from dataclasses import dataclass
from functools import cache

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from documents import fonts, layout
from documents.content import DocumentContent
from documents.fetcher import ASSETS_DIR, SafeURLFetcher
from documents.seal import seal_svg

# WeasyPrint's font configuration is not safe to share between threads; renders queue here.
_render_lock = threading.Lock()

PDF_VARIANT_ARCHIVE = "pdf/a-2b"


@dataclass(frozen=True)
class _Engine:
    font_config: FontConfiguration
    font_css: CSS
    layout_css: CSS


def _fetcher() -> SafeURLFetcher:
    return SafeURLFetcher(allowed_files=fonts.allowed_font_files())


@cache
def _engine() -> _Engine:
    font_config = FontConfiguration()
    fetcher = _fetcher()
    font_css = CSS(string=fonts.font_face_css(), font_config=font_config, url_fetcher=fetcher)
    context = layout.stylesheet_context() | {"fallbacks": fonts.fallback_stack()}
    layout_css = CSS(
        string=render_to_string("documents/gbt9704.css", context),
        font_config=font_config,
        url_fetcher=fetcher,
    )
    return _Engine(font_config, font_css, layout_css)


def reset_engine() -> None:
    """Forget fonts and stylesheet (after licensed fonts were added, and in tests)."""
    fonts.reset()
    _engine.cache_clear()


def render_html(content: DocumentContent) -> str:
    return render_to_string(
        "documents/document.html",
        {
            "doc": content,
            "mark_pt": layout.mark_font_pt(content.issuer_mark),
            "seal": seal_svg(content.seal_text or content.signature) if content.sealed else "",
        },
    )


def render_document(html: str, *, fetcher: SafeURLFetcher | None = None):
    """Lay out an HTML document with the document stylesheet (a weasyprint Document)."""
    engine = _engine()
    fetcher = fetcher or _fetcher()
    return HTML(string=html, base_url=ASSETS_DIR.as_uri() + "/", url_fetcher=fetcher).render(
        stylesheets=[engine.font_css, engine.layout_css], font_config=engine.font_config
    )


def render_pdf(content: DocumentContent, *, variant: str | None = None) -> bytes:
    """The PDF of a document; `variant="pdf/a-2b"` for the archival copy."""
    return render_pdfs(content, variants=(variant,))[0]


def render_pdfs(content: DocumentContent, *, variants=(None, PDF_VARIANT_ARCHIVE)) -> list[bytes]:
    """Lay the document out once and write it once per PDF variant."""
    html = render_html(content)
    with _render_lock:
        document = render_document(html)
        return [
            document.write_pdf(pdf_variant=variant, uncompressed_pdf=False)
            if variant
            else document.write_pdf()
            for variant in variants
        ]


def render_working_paper(html: str, stylesheet: str) -> bytes:
    """The PDF of a working paper — a record printed for someone's file, not an official
    document: `html` laid out with the project's fonts (the font families of
    documents/fonts.py, e.g. "XT SongTi") and its own `stylesheet` instead of GB/T 9704's.
    Nothing is fetched but the project's fonts (SafeURLFetcher)."""
    engine = _engine()
    fetcher = _fetcher()
    with _render_lock:
        css = CSS(string=stylesheet, font_config=engine.font_config, url_fetcher=fetcher)
        document = HTML(
            string=html, base_url=ASSETS_DIR.as_uri() + "/", url_fetcher=fetcher
        ).render(stylesheets=[engine.font_css, css], font_config=engine.font_config)
        return document.write_pdf()


def font_fallbacks() -> str:
    """The fallback font families, for a working paper's stylesheet."""
    return fonts.fallback_stack()
