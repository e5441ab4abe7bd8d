"""Nothing reaches the network or the file system while a document is rendered.

Every vector is rendered for real (layout and write_pdf) through SafeURLFetcher; a live HTTP
server on 127.0.0.1 counts what reaches it, and a secret temp file must never end up in a PDF.
A positive control shows the same vectors do reach the server with WeasyPrint's own fetcher,
so a zero count means "refused", not "the server was never reachable".
"""

import base64
import http.server
import logging
import threading
from pathlib import Path
from urllib.request import HTTPRedirectHandler

import pytest
from weasyprint import HTML

from documents import fetcher as fetcher_module
from documents import fonts
from documents.content import Attachment
from documents.fetcher import RefusedURL, SafeURLFetcher
from documents.rendering import render_document, render_html, render_pdf
from tests.documents.conftest import make_content, make_letter, make_minutes
from tests.documents.pdfmeasure import open_pdf, page_text

LOGGER = "xietong.documents"
SECRET = "TOP-SECRET-7f3a9c"  # the content of the file no document may read

# a 1×1 red PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        type(self).requests.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        body = PNG if self.path.endswith(".png") else b"body { color: red }"
        self.send_response(200)
        self.send_header("Content-Type", "image/png" if self.path.endswith(".png") else "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def hits(server):
    """The requests the local server received during the test."""
    _Recorder.requests = []
    return _Recorder.requests


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def make_fetcher() -> SafeURLFetcher:
    return SafeURLFetcher(allowed_files=fonts.allowed_font_files())


def page(body: str, head: str = "") -> str:
    return f'<html><head><meta charset="utf-8">{head}</head><body><p>正文</p>{body}</body></html>'


def svg_data_url(inner: str) -> str:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="20" height="20">{inner}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def svg_img(inner: str) -> str:
    """An <img> whose picture is an SVG data: URL containing `inner`."""
    return page('<img src="' + svg_data_url(inner) + '">')


def svg_image(href: str, attribute: str = "href") -> str:
    return svg_img(f'<image {attribute}="{href}" width="9" height="9"/>')


def traversal_to(path: Path) -> str:
    """A URL inside the assets folder that climbs out of it to `path`."""
    climb = "../" * len(fetcher_module.ASSETS_DIR.parts)
    return fetcher_module.ASSETS_DIR.as_uri() + "/" + climb + str(path).lstrip("/")


# (name, HTML builder taking the server address and the secret file's path): every way an
# HTML document can make WeasyPrint fetch something
VECTORS = {
    "img-http": lambda s, f: page(f'<img src="http://{s}/img.png">'),
    "img-https": lambda s, f: page(f'<img src="https://{s}/img-https.png">'),
    "img-localhost": lambda s, f: page(f'<img src="http://localhost:{s.split(":")[1]}/lh.png">'),
    "img-metadata": lambda s, f: page('<img src="http://169.254.169.254/latest/meta-data/">'),
    "img-private-10": lambda s, f: page('<img src="http://10.0.0.1/x.png">'),
    "img-private-192": lambda s, f: page('<img src="http://192.168.1.1/x.png">'),
    "img-private-172": lambda s, f: page('<img src="http://172.16.0.1/x.png">'),
    "img-ipv6-loopback": lambda s, f: page(f'<img src="http://[::1]:{s.split(":")[1]}/v6.png">'),
    "img-file": lambda s, f: page(f'<img src="{f.as_uri()}">'),
    "img-passwd": lambda s, f: page('<img src="file:///etc/passwd">'),
    "img-file-localhost": lambda s, f: page(f'<img src="file://localhost{f}">'),
    "img-file-nul": lambda s, f: page(f'<img src="{f.as_uri()}%00.png">'),
    "img-traversal": lambda s, f: page(f'<img src="{traversal_to(f)}">'),
    "img-relative-traversal": lambda s, f: page('<img src="../../../../../../../../etc/passwd">'),
    "redirect": lambda s, f: page(f'<img src="http://{s}/redirect.png">'),
    "base-href": lambda s, f: page('<img src="based.png">', f'<base href="http://{s}/">'),
    "link-stylesheet": lambda s, f: page("", f'<link rel="stylesheet" href="http://{s}/s.css">'),
    "link-stylesheet-file": lambda s, f: page("", f'<link rel="stylesheet" href="{f.as_uri()}">'),
    "link-attachment": lambda s, f: page("", f'<link rel="attachment" href="http://{s}/att">'),
    "link-attachment-file": lambda s, f: page("", f'<link rel="attachment" href="{f.as_uri()}">'),
    "a-attachment": lambda s, f: page(f'<a rel="attachment" href="{f.as_uri()}">附件</a>'),
    "style-import": lambda s, f: page("", f'<style>@import url("http://{s}/import.css");</style>'),
    "style-import-file": lambda s, f: page("", f'<style>@import "{f.as_uri()}";</style>'),
    "style-font-face": lambda s, f: page(
        "",
        f'<style>@font-face {{ font-family: X; src: url("http://{s}/font.otf"); }}'
        " p { font-family: X; }</style>",
    ),
    "css-background": lambda s, f: page(
        f'<div style="background: url(http://{s}/bg.png); width: 10mm; height: 10mm"></div>'
    ),
    "css-background-file": lambda s, f: page(
        "", f'<style>body {{ background-image: url("{f.as_uri()}"); }}</style>'
    ),
    "css-list-style": lambda s, f: page(
        f'<ul style="list-style-image: url(http://{s}/bullet.png)"><li>一</li></ul>'
    ),
    "svg-image-href": lambda s, f: svg_image(f"http://{s}/svg.png"),
    "svg-image-xlink": lambda s, f: svg_image(f"http://{s}/xlink.png", "xlink:href"),
    "svg-image-file": lambda s, f: svg_image(f.as_uri()),
    "svg-use": lambda s, f: svg_img(f'<use href="http://{s}/use.svg#a"/>'),
    "svg-style-import": lambda s, f: svg_img(
        f'<style>@import url("http://{s}/svg-import.css");</style><rect width="5" height="5"/>'
    ),
    "inline-svg-image": lambda s, f: page(
        f'<svg width="20" height="20"><image href="http://{s}/inline.png" width="9" height="9"/>'
        "</svg>"
    ),
    "object": lambda s, f: page(f'<object data="http://{s}/obj.png" type="image/png"></object>'),
    "embed": lambda s, f: page(f'<embed src="http://{s}/embed.png" type="image/png">'),
    "iframe": lambda s, f: page(f'<iframe src="http://{s}/frame.html"></iframe>'),
    "ftp": lambda s, f: page('<img src="ftp://127.0.0.1/x.png">'),
}
NOT_ATTEMPTED = {"iframe", "svg-use", "svg-style-import"}
SERVER_VECTORS = [
    "img-http",
    "img-localhost",
    "redirect",
    "link-stylesheet",
    "style-import",
    "css-background",
    "svg-image-href",
]


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_vector_is_refused_and_nothing_is_fetched(name, hits, server, secret_file, caplog):
    html = VECTORS[name](server, secret_file)
    fetcher = make_fetcher()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pdf = render_document(html, fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert hits == [], f"{name}: the server was asked for {hits}"
    assert SECRET.encode() not in pdf
    assert "正文" in page_text(open_pdf(pdf).pages[0])  # the document itself still renders
    # the refusal is recorded and logged (WeasyPrint never even tries iframes, external <use>
    # references and @import inside SVG)
    if name not in NOT_ATTEMPTED:
        assert fetcher.refused, name
        assert any(
            r.name == LOGGER and r.levelno == logging.WARNING and "refused" in r.getMessage()
            for r in caplog.records
        ), name
    for url in fetcher.refused:
        assert not url.startswith("data:")


def test_file_urls_are_recorded_as_refused(secret_file, caplog):
    fetcher = make_fetcher()
    html = page(f'<img src="{secret_file.as_uri()}"><img src="file:///etc/passwd">')
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pdf = render_document(html, fetcher=fetcher).write_pdf()
    assert secret_file.as_uri() in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert SECRET.encode() not in pdf
    assert b"root:" not in pdf
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == LOGGER)
    assert secret_file.as_uri() in logged and "file:///etc/passwd" in logged


@pytest.mark.parametrize("name", SERVER_VECTORS)
def test_positive_control_weasyprints_own_fetcher_does_fetch(name, hits, server, secret_file):
    """Without SafeURLFetcher the same HTML does reach the server: the zero above is real."""
    HTML(string=VECTORS[name](server, secret_file), base_url="/").write_pdf()
    assert hits, name


def test_the_fetcher_never_follows_redirects():
    fetcher = make_fetcher()
    assert not any(isinstance(handler, HTTPRedirectHandler) for handler in fetcher.handlers)


def test_direct_calls_are_refused(server, hits, secret_file, caplog):
    fetcher = make_fetcher()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        for url in (
            f"http://{server}/direct",
            f"HTTP://{server}/upper",
            secret_file.as_uri(),
            "file://otherhost/etc/passwd",
            "gopher://127.0.0.1/",
            "javascript:alert(1)",
            "about:blank",
        ):
            with pytest.raises(RefusedURL):
                fetcher.fetch(url)
            assert fetcher.refused[-1] == url
    assert hits == []
    assert len([r for r in caplog.records if r.name == LOGGER]) == 7


# --- what must keep working ---------------------------------------------------------------------


def test_data_urls_still_work(caplog):
    fetcher = make_fetcher()
    png = "data:image/png;base64," + base64.b64encode(PNG).decode()
    svg = svg_data_url('<rect width="20" height="20" fill="#e60012"/>')
    html = page(f'<img src="{png}" style="width: 20mm"><img src="{svg}" style="width: 20mm">')
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pdf = render_document(html, fetcher=fetcher).write_pdf()
    assert fetcher.refused == []
    assert not [r for r in caplog.records if r.name == LOGGER]
    first = open_pdf(pdf).pages[0]
    assert first.images  # the PNG
    assert any(rect["non_stroking_color"] == (0.901961, 0.0, 0.070588) for rect in first.rects)


def test_allow_listed_fonts_are_served_and_other_fonts_are_not(caplog):
    fetcher = make_fetcher()
    faces = fonts.font_faces()
    assert faces
    for face in faces:
        response = fetcher.fetch(face.path.as_uri())
        assert response.read()[:4] in (b"OTTO", b"\x00\x01\x00\x00", b"true", b"ttcf")
    assert fetcher.refused == []
    # a font file next to an allow-listed one is not on the list
    neighbour = next(
        path
        for face in faces
        for path in sorted(face.path.parent.iterdir())
        if path.suffix in (".otf", ".ttf") and path.resolve() not in fonts.allowed_font_files()
    )
    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(RefusedURL):
        fetcher.fetch(neighbour.as_uri())
    assert fetcher.refused == [neighbour.as_uri()]


def test_documents_render_with_their_fonts_through_the_safe_fetcher(caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pdf = render_pdf(make_content())
    assert not [r for r in caplog.records if r.name == LOGGER]
    names = {c["fontname"].split("+", 1)[-1] for c in open_pdf(pdf).pages[0].chars}
    assert {"XT-FangSong", "XT-XiaoBiaoSong"} <= names


def test_assets_are_served_but_not_what_lies_beside_them(monkeypatch, tmp_path, secret_file):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "logo.png").write_bytes(PNG)
    (assets / "link.png").symlink_to(secret_file)
    monkeypatch.setattr(fetcher_module, "ASSETS_DIR", assets.resolve())
    fetcher = make_fetcher()
    assert fetcher.fetch((assets / "logo.png").as_uri()).read() == PNG
    for url in (
        (assets / "link.png").as_uri(),  # a symlink out of the folder
        assets.as_uri() + "/../secret.txt",
        assets.as_uri() + "/%2e%2e/secret.txt",
        (assets / "missing.png").as_uri(),
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


# --- user text is text ------------------------------------------------------------------------


def payload(field: str, server: str) -> str:
    return (
        f'[{field}]<img src="http://{server}/f-{field}.png">'
        f"<style>@import url(http://{server}/i-{field}.css);</style>"
        f'</p><script>alert(1)</script><link rel="attachment" href="file:///etc/passwd">'
        f'<div style="background:url(http://{server}/b-{field}.png)">'
    )


TEXT_FIELDS = [
    "issuer_mark",
    "number",
    "title",
    "body",
    "recipients",
    "signature",
    "seal_text",
    "note",
    "copy_to",
    "printed_by",
    "attendees",
    "absentees",
    "observers",
    "copy_number",
]
ROLL = {"attendees", "absentees", "observers"}
SHOWN = {  # the fields each layout prints as text (the seal's lettering is drawn, not text)
    "standard": {*TEXT_FIELDS, "attachment"} - {"seal_text", "copy_number"} - ROLL,
    "letter": {*TEXT_FIELDS, "attachment"} - {"seal_text", "printed_by"} - ROLL,
    "minutes": {*TEXT_FIELDS, "attachment"} - {"seal_text", "copy_number"},
}


@pytest.mark.parametrize("builder", [make_content, make_letter, make_minutes])
def test_markup_in_every_field_is_text(builder, server, hits, caplog):
    fields = {name: payload(name, server) for name in TEXT_FIELDS}
    fields["attachments"] = [Attachment(payload("attachment", server))]
    content = builder(**fields)
    html = render_html(content)
    assert "<script" not in html
    assert "&lt;img src=&quot;http://" in html
    assert f'src="http://{server}' not in html
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pdf = render_pdf(content)
    assert hits == []
    assert not [r for r in caplog.records if r.name == LOGGER]  # nothing was even attempted
    text = "".join(page_text(p) for p in open_pdf(pdf).pages)
    flat = "".join(text.split())
    for field in SHOWN[content.layout]:
        # the field's markup is there, character for character; a table cell beside it (the
        # 印发 date, the document number) may be extracted in between
        start = flat.index(f"[{field}]<imgsrc=")
        assert is_subsequence("".join(payload(field, server).split()), flat[start:]), field


def is_subsequence(needle: str, haystack: str) -> bool:
    rest = iter(haystack)
    return all(char in rest for char in needle)
