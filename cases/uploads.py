"""Evidence files: what may be uploaded, judged by content, never by the name a browser sends.

Allowed: PDF, JPEG, PNG, Word (.docx), Excel (.xlsx) and OFD (the national electronic
document format). Each file is sniffed from its first bytes (and, for the zip-based formats,
from the parts inside the zip), limited in size, and hashed with SHA-256 on the way in.

A zip container is not taken at its word. Its central directory declares each part's size,
and Python's zipfile trusts it: `ZipExtFile` stops inflating after `file_size` bytes and
checks the CRC of only those, so a part declared as 1 KB reads back as 1 KB of a 210 MB
stream — and the first program that unpacks it in full gets the 210 MB. Before accepting a
.docx/.xlsx/.ofd we therefore inflate every part ourselves (with zipfile's reader, but told to
go one byte past the declared size) and count the bytes that really come out: a part that
yields more or less than it declares, or whose CRC does not match, is refused as damaged or
altered; once the real total passes MAX_ZIP_UNCOMPRESSED the file is refused as too large.
Work is bounded: no part is inflated past its declared size + 1, the declared sizes together
may not pass the limit, so at most MAX_ZIP_UNCOMPRESSED bytes are ever inflated per file.
We use that total limit rather than a compression-ratio limit (Apache POI by default
refuses parts that inflate more than 100:1): repetitive spreadsheet XML honestly exceeds such
ratios, and the total already bounds the work. Also refused: more than MAX_ZIP_MEMBERS parts
(and, before zipfile parses it, a central directory larger than MAX_ZIP_DIRECTORY bytes: a
25 MB file of empty entries would otherwise cost seconds and hundreds of MB), encrypted parts,
two parts with the same name (OPC part names compare without case; readers disagree about
which one counts), and parts that overlap one another (the "better zip bomb" construction).
Zip files nested inside are not refused: Word keeps a chart's data as an embedded .xlsx, and
those bytes are counted like any other part.
"""

import copy
import hashlib
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 25 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_DIRECTORY = MAX_ZIP_MEMBERS * 1024  # bytes of central directory zipfile may parse
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024  # real bytes, counted while inflating
_INFLATE_CHUNK = 1024 * 1024
_LOCAL_HEADER = 30  # fixed part of a zip local file header
_END_RECORD = 22  # fixed part of the end-of-central-directory record
_ENCRYPTED = 0x01 | 0x40  # general-purpose flag bits 0 and 6 (APPNOTE 4.4.4): encrypted parts


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


ZIP_MESSAGES = {
    "zip_members": _(
        "The file %(name)s holds more than %(limit)d parts, far more than any document; it "
        "was not accepted."
    ),
    "zip_encrypted": _("The file %(name)s is encrypted; upload a copy saved without a password."),
    "zip_too_large": _(
        "The file %(name)s would unpack to more than %(limit)d MB; it was not accepted. Split "
        "it or reduce its pictures, then upload it again."
    ),
    "zip_damaged": _(
        "The file %(name)s is damaged or has been altered: its contents do not match the sizes "
        "and checksums it declares. It was not accepted; save it again in the program that made "
        "it and upload the new copy."
    ),
}


class ZipRefused(Exception):
    """A zip container of an accepted kind that is unsafe to accept; `code` names why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# what zipfile and zlib raise on a truncated, corrupt or forged archive
_BROKEN = (
    zipfile.BadZipFile,
    EOFError,
    OSError,
    ValueError,
    struct.error,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)


def _directory_size(upload) -> int | None:
    """The size of the central directory as the end record gives it (ZIP64-aware), read
    before zipfile parses the directory: zipfile builds an object for every entry, and a 25 MB
    file of empty entries would cost it seconds and hundreds of megabytes. None when the file
    has no end record. Found the way zipfile finds it: the last signature in the last 64 KB."""
    upload.seek(0, os.SEEK_END)
    length = upload.tell()
    tail_start = max(0, length - _END_RECORD - 0xFFFF)
    upload.seek(tail_start)
    tail = upload.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END_RECORD:
        return None
    (size,) = struct.unpack_from("<I", tail, at + 12)
    record = tail_start + at - 20 - 56
    if size == 0xFFFFFFFF and record >= 0:
        # ZIP64: as zipfile reads it, a locator just before the end record and the ZIP64 end
        # record just before that, holding the real size
        upload.seek(record)
        zip64 = upload.read(76)
        if zip64[:4] == b"PK\x06\x06" and zip64[56:60] == b"PK\x06\x07":
            (size,) = struct.unpack_from("<Q", zip64, 40)
    return size


def _kind_by_parts(names: set[str]) -> Sniffed | None:
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
    if "OFD.xml" in names:
        return OFD
    return None


def _check_directory(members: list[zipfile.ZipInfo], length: int) -> None:
    """Refuse what the central directory alone shows to be unsafe (cheap, before inflating)."""
    if len(members) > MAX_ZIP_MEMBERS:
        raise ZipRefused("zip_members")
    if any(m.flag_bits & _ENCRYPTED for m in members):
        raise ZipRefused("zip_encrypted")
    if len({m.filename.casefold() for m in members}) != len(members):
        raise ZipRefused("zip_damaged")
    if sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED:
        raise ZipRefused("zip_too_large")
    # each part's data must end before the next part's header starts (none shares bytes)
    ordered = sorted(members, key=lambda m: m.header_offset)
    ends = [m.header_offset + _LOCAL_HEADER + m.compress_size for m in ordered]
    starts = [m.header_offset for m in ordered[1:]] + [length]
    if any(end > start for end, start in zip(ends, starts, strict=True)):
        raise ZipRefused("zip_damaged")


def _inflate_all(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Inflate every part, counting the bytes that really come out (see the module's
    docstring); refuse a part that yields anything but its declared size, a bad CRC, or a
    real total past MAX_ZIP_UNCOMPRESSED."""
    total = 0
    for member in members:
        # zipfile stops after probe.file_size bytes: let it run one byte past the declared
        # size, so a part that holds more than it declares shows itself, at a bounded cost
        probe = copy.copy(member)
        probe.file_size = member.file_size + 1
        real = 0
        with archive.open(probe) as stream:
            while chunk := stream.read(_INFLATE_CHUNK):
                real += len(chunk)
                total += len(chunk)
                if real > member.file_size:
                    raise ZipRefused("zip_damaged")
                if total > MAX_ZIP_UNCOMPRESSED:
                    raise ZipRefused("zip_too_large")
        if real != member.file_size:
            raise ZipRefused("zip_damaged")


def _sniff_zip(upload) -> Sniffed | None:
    """The accepted kind a zip container is, None if it is none; ZipRefused if it is one but
    unsafe. zipfile checks each part's local header name against the directory and, at the
    end of each part, its CRC-32 (both raise BadZipFile, refused as damaged)."""
    directory = _directory_size(upload)
    if directory is None:
        return None
    if directory > MAX_ZIP_DIRECTORY:
        raise ZipRefused("zip_members")
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
    except _BROKEN:
        return None
    with archive:
        members = archive.infolist()
        kind = _kind_by_parts({m.filename for m in members})
        if kind is None:
            return None
        if any(m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for m in members):
            return None  # Word, Excel and OFD writers only store or deflate
        _check_directory(members, upload.size)
        try:
            _inflate_all(archive, members)
        except _BROKEN as exc:
            raise ZipRefused("zip_damaged") from exc
    return kind


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
    try:
        kind = sniff(upload)
    except ZipRefused as refused:
        limits = {"zip_members": MAX_ZIP_MEMBERS, "zip_too_large": MAX_ZIP_UNCOMPRESSED >> 20}
        raise ValidationError(
            ZIP_MESSAGES[refused.code],
            params={"name": upload.name, "limit": limits.get(refused.code, 0)},
            code=refused.code,
        ) from None
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
