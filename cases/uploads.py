"""Evidence files: what may be uploaded, judged by content, never by the name a browser sends.

Allowed: PDF, JPEG, PNG, Word (.docx), Excel (.xlsx) and OFD (the national electronic
document format). Each file is sniffed from its first bytes (and, for the zip-based formats,
from the parts inside the zip), limited in size, and hashed with SHA-256 on the way in.
"""

import hashlib
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 25 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024  # a zip bomb is refused before anyone opens it


@dataclass(frozen=True)
class Sniffed:
    kind: str  # pdf | jpeg | png | docx | xlsx | ofd
    content_type: str
    extension: str


PDF = Sniffed("pdf", "application/pdf", "pdf")
JPEG = Sniffed("jpeg", "image/jpeg", "jpg")
PNG = Sniffed("png", "image/png", "png")
DOCX = Sniffed(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
)
XLSX = Sniffed("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
OFD = Sniffed("ofd", "application/ofd", "ofd")

ALLOWED_LABEL = "PDF、JPG、PNG、DOCX、XLSX、OFD"


def _sniff_zip(upload) -> Sniffed | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if (
                len(members) > MAX_ZIP_MEMBERS
                or sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED
            ):
                return None
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
    if "OFD.xml" in names:
        return OFD
    return None


def sniff(upload) -> Sniffed | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return None


def check_evidence_file(upload) -> tuple[Sniffed, str]:
    """(what the file really is, its SHA-256); ValidationError with a clear message otherwise."""
    if upload.size == 0:
        raise ValidationError(
            _("The file %(name)s is empty."), params={"name": upload.name}, code="empty"
        )
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file %(name)s is %(size)d MB; the limit is %(limit)d MB."),
            params={
                "name": upload.name,
                "size": upload.size // (1024 * 1024),
                "limit": MAX_BYTES // (1024 * 1024),
            },
            code="too_large",
        )
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _(
                "The file %(name)s is not one of the accepted kinds (%(allowed)s), whatever its "
                "name says."
            ),
            params={"name": upload.name, "allowed": ALLOWED_LABEL},
            code="type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind, digest.hexdigest()


def store_upload(record, upload) -> None:
    """Check an upload by content and put it on an unsaved file record (case evidence, meeting
    materials): its name, what it really is, its size and SHA-256, and the file itself, named
    by its hash. The caller saves the record."""
    from django.core.files import File

    kind, sha256 = check_evidence_file(upload)
    record.original_name = upload.name[:200]
    record.content_type = kind.content_type
    record.extension = kind.extension
    record.size = upload.size
    record.sha256 = sha256
    record.file.save(f"{sha256}.{kind.extension}", File(upload), save=False)
