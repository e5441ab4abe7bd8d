"""The only way WeasyPrint may load anything while rendering a document.

WeasyPrint's default fetcher reads file:// and any http(s) URL, so anything that reaches a
document template could make the server read local files or call internal hosts (SSRF). This
fetcher allows exactly two things: ``data:`` URLs, and files on an allow-list (the
documents' own assets and the resolved font files). Everything else — file:// elsewhere,
http(s) to any host, redirects, attachments, external @import, SVG references — is refused
and logged; nothing is fetched.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger("xietong.documents")

ASSETS_DIR = (Path(__file__).resolve().parent / "assets").resolve()


class RefusedURL(ValueError):
    pass


class SafeURLFetcher(URLFetcher):
    def __init__(self, allowed_files=frozenset(), **kwargs):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, **kwargs)
        self.allowed_files = frozenset(Path(p).resolve() for p in allowed_files)
        self.refused: list[str] = []

    def _refuse(self, url: str, why: str):
        self.refused.append(url)
        logger.warning("document rendering refused to fetch %.200s: %s", url, why)
        raise RefusedURL(f"refused: {why}")

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            return self._refuse(url, f"scheme {scheme or '(none)'} is not allowed")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return self._refuse(url, "file URL on another host")
        try:
            path = Path(unquote(parts.path)).resolve()  # resolves .. and symlinks
            allowed = path in self.allowed_files or (
                path.is_relative_to(ASSETS_DIR) and path.is_file()
            )
        except (ValueError, OSError):  # e.g. an embedded NUL byte (%00)
            return self._refuse(url, "not a usable file path")
        if not allowed:
            return self._refuse(url, "file is not a document asset")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
