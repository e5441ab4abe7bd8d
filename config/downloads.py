"""How every stored file is handed out: the name it is served under and the response around it.

The name a user's browser sent is kept as their record (shown on pages, where templates
escape it) but never served as is. `served_name` makes a name that is safe on every desktop:
no path, no control or invisible characters (a right-to-left override, U+202E, before `fdp.exe`
makes it read as `exe.pdf`), nothing Windows refuses, no device name, not too long — and it
always ends in the extension of what the file really is, as sniffed on upload. Chinese stays
Chinese: `content_disposition` sends it as RFC 6266 / RFC 8187 `filename*=UTF-8''…`, after
a plain ASCII `filename="…"` for clients that do not read `filename*` (RFC 6266 appendix D:
the ASCII one first).

Django's own `content_disposition_header` (used by `FileResponse(filename=…)`) only strips
`/`-separated path parts and, for a non-ASCII name, sends `filename*` alone; it cleans nothing
else. This module sits in config/, below the apps: documents, cases and meetings all serve
files, and cases and meetings build on documents, not the other way round.
"""

import re
import unicodedata
from urllib.parse import quote

from django.http import FileResponse

MAX_STEM_BYTES = 150  # UTF-8 bytes of the name before its extension (50 Chinese characters)

# Unicode categories never wanted in a file name: controls (NUL, CR, LF, C1…), format
# characters (the bidi controls U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C, the
# zero-width ones, the BOM, soft hyphen), surrogates, private use, unassigned, and the line
# and paragraph separators.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# letters and marks that draw nothing (Hangul fillers, combining grapheme joiner)
_INVISIBLE = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u034f"}
# what Windows refuses in a name, and the ASCII quotes (a name is never a place for them)
_REPLACED = set('<>:"|?*') | {"'", "`"}
# "CON.pdf" or "nul.tar.gz" is a device on Windows whatever follows the first dot
_DEVICES = (
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"COM{n}" for n in "0123456789¹²³"}
    | {f"LPT{n}" for n in "0123456789¹²³"}
)
# a trailing ".xyz" counts as an extension only if it looks like one ("v1.2" is a version)
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{0,7}[A-Za-z][A-Za-z0-9]{0,7})$")
# the same kind under another customary extension
_SAME_KIND = {"jpg": {"jpg", "jpeg", "jpe", "jfif"}}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.split(r"[/\\]", text)[-1]  # the last path part, whichever separator was used
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in _DROPPED_CATEGORIES or char in _INVISIBLE:
            continue
        if char in _REPLACED:
            char = "_"
        elif category == "Zs":  # ideographic space, no-break space…: a plain space
            char = " "
        kept.append(char)
    return re.sub(" {2,}", " ", "".join(kept))


def _trim(stem: str) -> str:
    """No leading dots or spaces (a hidden file), no trailing dots or spaces (Windows drops
    them, so `x.exe.` would become `x.exe`)."""
    return stem.lstrip(". ").rstrip(". ")


def _shorten(stem: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, cut between characters."""
    while len(stem.encode()) > limit:
        stem = stem[:-1]
    return _trim(stem)


def served_name(original: str, extension: str, *, default_stem: str) -> str:
    """The name a stored file is served under: `original` (what the user's browser called it)
    cleaned, ending in `extension` (what the file really is, lower case), or
    `default_stem.extension` when nothing usable is left.

    The last extension always goes; if it was not the real one and the one before it is, that
    one goes too; the real one is then put on: `报告.pdf.exe` sniffed as PDF is `报告.pdf`,
    `报告.docx` sniffed as PDF is `报告.pdf`, `报告.PDF` is `报告.pdf`, `v1.2` is `v1.2.pdf`."""
    extension = extension.lower()
    same = _SAME_KIND.get(extension, {extension})
    stem = _clean(original or "").rstrip(". ")
    if match := _EXTENSION.search(stem):
        last = match.group(1).lower()
        stem = stem[: match.start()].rstrip(". ")
        before = _EXTENSION.search(stem)
        if last not in same and before and before.group(1).lower() in same:
            stem = stem[: before.start()]
    stem = _shorten(_trim(stem), MAX_STEM_BYTES)
    if stem.split(".", 1)[0].rstrip(" ").upper() in _DEVICES:
        stem = f"_{stem}"
    return f"{stem or default_stem}.{extension}"


def content_disposition(name: str, *, fallback: str, inline: bool = False) -> str:
    """The Content-Disposition header for a name `served_name` made: a plain ASCII name as
    `filename="…"`; any other as `filename="<fallback>"; filename*=UTF-8''<percent-encoded>`.
    `fallback` is an ASCII name of ours (`evidence-12.pdf`)."""
    disposition = "inline" if inline else "attachment"
    if re.fullmatch(r"[\x20-\x7e]+", name) and not set(name) & {'"', "\\"}:
        return f'{disposition}; filename="{name}"'
    if not re.fullmatch(r"[A-Za-z0-9._-]+", fallback):
        raise ValueError(f"the fallback name must be plain ASCII: {fallback!r}")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(
    filelike, *, name: str, extension: str, content_type: str, default_stem: str, inline=False
) -> FileResponse:
    """A stored file for download: under its served name, as the type it was sniffed to be,
    never cached outside the user's browser (Cache-Control: private, no-store).
    SecurityMiddleware adds X-Content-Type-Options: nosniff, so browsers keep to that type."""
    response = FileResponse(filelike, content_type=content_type)
    served = served_name(name, extension, default_stem=default_stem)
    response["Content-Disposition"] = content_disposition(
        served, fallback=f"{default_stem}.{extension.lower()}", inline=inline
    )
    response["Cache-Control"] = "private, no-store"
    return response
