"""Evidence uploads are judged by their content, limited in size and hashed."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import uploads


def zipped(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
OFD = zipped({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("报告.pdf", b"%PDF-1.7\n...", "pdf"),
        ("现场.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20, "jpeg"),
        ("截图.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "png"),
        ("笔录.docx", DOCX, "docx"),
        ("明细.xlsx", XLSX, "xlsx"),
        ("票据.ofd", OFD, "ofd"),
        ("mislabelled.txt", b"%PDF-1.4 really a pdf", "pdf"),
    ],
)
def test_accepted_kinds_are_recognised_by_content(name, data, kind):
    sniffed, sha = uploads.check_evidence_file(SimpleUploadedFile(name, data))
    assert sniffed.kind == kind
    assert sha == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("invoice.pdf", b"MZ\x90\x00 an executable named pdf"),
        ("page.png", b"<html><script>alert(1)</script>"),
        ("archive.docx", zipped({"evil.sh": b"rm -rf /"})),
        ("broken.xlsx", b"PK\x03\x04 not really a zip"),
        ("notes.txt", "纯文本".encode()),
    ],
)
def test_other_content_is_refused_whatever_its_name(name, data):
    with pytest.raises(ValidationError) as raised:
        uploads.check_evidence_file(SimpleUploadedFile(name, data))
    assert raised.value.code == "type"


def test_empty_and_oversize_files_are_refused(monkeypatch):
    with pytest.raises(ValidationError) as raised:
        uploads.check_evidence_file(SimpleUploadedFile("empty.pdf", b""))
    assert raised.value.code == "empty"
    monkeypatch.setattr(uploads, "MAX_BYTES", 10)
    with pytest.raises(ValidationError) as raised:
        uploads.check_evidence_file(SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 20))
    assert raised.value.code == "too_large"


def test_a_zip_bomb_is_refused_before_it_is_opened(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_UNCOMPRESSED", 1000)
    bomb = zipped({"[Content_Types].xml": b"x", "word/document.xml": b"0" * 5000})
    with pytest.raises(ValidationError):
        uploads.check_evidence_file(SimpleUploadedFile("bomb.docx", bomb))
