"""Files users upload and download: the name a stored file is served under, the headers of
every download, and zip containers (.docx/.xlsx/.ofd) judged by what they really unpack to."""

import io
import struct
import warnings
import zipfile
import zlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases import uploads
from cases.models import Case, Evidence, ViolationType
from config.downloads import content_disposition, served_name
from meetings import services as meeting_services
from meetings.models import Meeting, MeetingFile, Topic
from tests.documents.signoff import issue as issue_through_signoff

MB = 1024 * 1024
PDF_BYTES = b"%PDF-1.7\n% a small but honest header\n"

# -- building zip files ----------------------------------------------------------------------

DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body>"
    + "".join(f"<w:p><w:r><w:t>第{n}条 询问笔录内容。</w:t></w:r></w:p>" for n in range(400))
    + "</w:body></w:document>"
).encode()
SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    + "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>住院</t></is></c>'
        f'<c r="B{r}" s="1"><v>0</v></c><c r="C{r}" s="1"><v>0</v></c></row>'
        for r in range(1, 20001)
    )
    + "</sheetData></worksheet>"
).encode()


def package(parts: dict[str, bytes]) -> bytes:
    """A zip as Word and Excel write them: every part deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(**extra: bytes) -> bytes:
    return package(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": DOCUMENT_XML,
            "word/_rels/document.xml.rels": b'<?xml version="1.0"?><Relationships/>',
            "docProps/core.xml": b'<?xml version="1.0"?><cp:coreProperties/>',
            **extra,
        }
    )


def xlsx() -> bytes:
    return package(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook><sheets/></workbook>',
            "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships/>',
            "xl/worksheets/sheet1.xml": SHEET_XML,
        }
    )


def _local_header(data: bytes, name: str) -> int:
    at = 0
    while (at := data.find(b"PK\x03\x04", at)) >= 0:
        (length,) = struct.unpack_from("<H", data, at + 26)
        if data[at + 30 : at + 30 + length] == name.encode():
            return at
        at += 4
    raise AssertionError(f"no local header for {name}")


def _central_entry(data: bytes, name: str) -> int:
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        (length,) = struct.unpack_from("<H", data, at + 28)
        if data[at + 46 : at + 46 + length] == name.encode():
            return at
        at += 4
    raise AssertionError(f"no central directory entry for {name}")


def forge(data: bytes, name: str, *, size=None, crc=None, compressed=None, flags=None) -> bytes:
    """The zip with part `name`'s declared fields rewritten in both its local header and its
    central directory entry (APPNOTE 4.3.7 and 4.3.12), its data untouched."""
    data = bytearray(data)
    for at, offsets in (
        (_local_header(data, name), {"flags": 6, "crc": 14, "compressed": 18, "size": 22}),
        (_central_entry(data, name), {"flags": 8, "crc": 16, "compressed": 20, "size": 24}),
    ):
        for field, value in (("size", size), ("crc", crc), ("compressed", compressed)):
            if value is not None:
                struct.pack_into("<I", data, at + offsets[field], value)
        if flags is not None:
            struct.pack_into("<H", data, at + offsets["flags"], flags)
    return bytes(data)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A .docx whose word/document.xml is 210 MB of zeros, deflated (about 200 KB), with its
    local header and central directory both declaring 1 KB and the CRC of the first 1 KB:
    every field a reader checks says "1 KB", and Python's zipfile reads back exactly that."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w") as part:
            zeros = bytes(MB)
            for _ in range(210):
                part.write(zeros)
    data = forge(buffer.getvalue(), "word/document.xml", size=1024, crc=zlib.crc32(bytes(1024)))
    assert len(data) < 300 * 1024
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # what trusting the directory gives
        assert len(archive.read("word/document.xml")) == 1024
    return data


def refusal(data: bytes, name: str = "询问笔录.docx") -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        uploads.check_evidence_file(SimpleUploadedFile(name, data))
    return raised.value


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# -- the served name -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "extension", "served"),
    [
        ("关于某医院分解住院的调查报告.pdf", "pdf", "关于某医院分解住院的调查报告.pdf"),
        ("\u202efdp.exe", "pdf", "fdp.pdf"),  # reads as "exe.pdf" with the override
        ("报告\u202e\u2066\u2069\u200e\u200f\u061c.pdf", "pdf", "报告.pdf"),
        ("笔\u200b录\u200d\ufeff.docx", "docx", "笔录.docx"),  # zero-width characters
        ("evil\x00.pdf", "pdf", "evil.pdf"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("C:\\x\\y.docx", "docx", "y.docx"),
        ('报告"最终版".pdf', "pdf", "报告_最终版_.pdf"),
        ("it's `here`.pdf", "pdf", "it_s _here_.pdf"),
        ("a<b>c:d|e?f*g.pdf", "pdf", "a_b_c_d_e_f_g.pdf"),
        ("第一页\r\n第二页.pdf", "pdf", "第一页第二页.pdf"),
        ("报告.pdf.exe", "pdf", "报告.pdf"),
        ("报告.docx", "pdf", "报告.pdf"),
        ("报告.tar.gz", "pdf", "报告.tar.pdf"),
        ("报告.PDF", "pdf", "报告.pdf"),
        ("现场照片.jpeg", "jpg", "现场照片.jpg"),
        ("明细v1.2", "xlsx", "明细v1.2.xlsx"),  # a version, not an extension
        ("吉医保联〔2025〕3号", "pdf", "吉医保联〔2025〕3号.pdf"),
        ("...隐藏.pdf", "pdf", "隐藏.pdf"),
        ("报告. . .exe. ", "pdf", "报告.pdf"),
        ("CON.pdf", "pdf", "_CON.pdf"),
        ("nul.tar.gz", "pdf", "_nul.tar.pdf"),
        ("com1 .docx", "docx", "_com1.docx"),
        ("会议\u3000纪要.pdf", "pdf", "会议 纪要.pdf"),
        ("", "pdf", "evidence-7.pdf"),
        (".pdf", "pdf", "evidence-7.pdf"),
        ("\u202e\u200b", "ofd", "evidence-7.ofd"),
        ("x/", "png", "evidence-7.png"),
    ],
)
def test_hostile_names_are_served_clean_and_end_in_the_real_extension(original, extension, served):
    assert served_name(original, extension, default_stem="evidence-7") == served


def test_a_long_chinese_name_is_cut_to_150_bytes_between_characters_keeping_the_extension():
    assert served_name("调" * 400 + ".pdf", "pdf", default_stem="e") == "调" * 50 + ".pdf"
    # 1 + 49 × 3 = 148 bytes; one more character would make 151
    assert served_name("a" + "调" * 400 + ".docx", "docx", default_stem="e") == (
        "a" + "调" * 49 + ".docx"
    )


def test_the_header_sends_ascii_names_quoted_and_others_with_an_ascii_fallback_first():
    assert content_disposition("report.pdf", fallback="evidence-1.pdf") == (
        'attachment; filename="report.pdf"'
    )
    assert content_disposition("报告.pdf", fallback="evidence-1.pdf", inline=True) == (
        "inline; filename=\"evidence-1.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf"
    )
    # RFC 8187 attr-chars only: a space and a parenthesis are percent-encoded
    assert content_disposition("报 (1).pdf", fallback="e.pdf") == (
        "attachment; filename=\"e.pdf\"; filename*=UTF-8''%E6%8A%A5%20%281%29.pdf"
    )


# -- downloads over HTTP ---------------------------------------------------------------------


def _register_case(world, files) -> Case:
    return case_services.case_register(
        user=world["yb_officer"],
        subjects=[],
        files=files,
        data={
            "title": "长春市某医院涉嫌分解住院案",
            "source": "routine",
            "violation_types": [],
            "suspected_amount": Decimal("1000.00"),
            "description": "测试",
            "confidentiality": "internal",
            "informant": "",
        },
    )


def _assert_download_headers(response, *, disposition: str, content_type: str):
    assert response.status_code == 200
    assert response["Content-Disposition"] == disposition
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_is_downloaded_under_its_chinese_name_with_an_ascii_fallback(client, world):
    case = _register_case(world, [SimpleUploadedFile("询问笔录.pdf", PDF_BYTES)])
    evidence = case.evidence.get()
    client.force_login(world["yb_officer"])
    response = client.get(reverse("cases:evidence", args=[evidence.pk]))
    _assert_download_headers(
        response,
        disposition=(
            f'attachment; filename="evidence-{evidence.pk}.pdf"; '
            "filename*=UTF-8''%E8%AF%A2%E9%97%AE%E7%AC%94%E5%BD%95.pdf"
        ),
        content_type="application/pdf",
    )
    assert b"".join(response.streaming_content) == PDF_BYTES
    # an agency that is not party to the case does not get it
    client.force_login(world["ga_liaison"])
    assert client.get(reverse("cases:evidence", args=[evidence.pk])).status_code == 404


def test_evidence_named_to_deceive_is_served_under_a_clean_name_of_its_real_kind(client, world):
    case = _register_case(
        world,
        [
            SimpleUploadedFile("\u202efdp.exe", PDF_BYTES),
            SimpleUploadedFile("C:\\材料\\清单.docx", PDF_BYTES + b"2"),
        ],
    )
    rtl, windows = case.evidence.order_by("pk")
    assert rtl.original_name == "\u202efdp.exe"  # the user's record is kept as it came
    client.force_login(world["yb_officer"])
    response = client.get(reverse("cases:evidence", args=[rtl.pk]))
    _assert_download_headers(
        response, disposition='attachment; filename="fdp.pdf"', content_type="application/pdf"
    )
    response = client.get(reverse("cases:evidence", args=[windows.pk]))
    assert response["Content-Disposition"] == (
        f'attachment; filename="evidence-{windows.pk}.pdf"; '
        "filename*=UTF-8''%E6%B8%85%E5%8D%95.pdf"
    )


@pytest.fixture
def meeting(world):
    from demo.joint_body import seed_joint_body

    seed_joint_body()
    return meeting_services.meeting_open(
        user=world["yb_office"],
        kind="full",
        title="2026年第四季度全体会议",
        topics_due=timezone.now() + timedelta(days=5),
    )


def test_a_meeting_material_is_downloaded_under_its_chinese_name(client, world, meeting):
    topic = meeting_services.topic_submit(
        user=world["wj_liaison"],
        meeting=meeting,
        title="分解住院联合整治",
        background="2026年以来发现分解住院37起。",
        files=[SimpleUploadedFile("典型案例.docx", docx())],
    )
    material = topic.materials.get()
    client.force_login(world["wj_liaison"])
    response = client.get(reverse("meetings:file", args=[material.pk]))
    _assert_download_headers(
        response,
        disposition=(
            f'attachment; filename="meeting-file-{material.pk}.docx"; '
            "filename*=UTF-8''%E5%85%B8%E5%9E%8B%E6%A1%88%E4%BE%8B.docx"
        ),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def test_the_meeting_invitation_is_not_cached(client, world, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + timedelta(days=9))
    client.force_login(world["wj_liaison"])
    response = client.get(reverse("meetings:ics", args=[meeting.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_issued_document_keeps_its_number_as_its_name(client, world):
    from documents import services as document_services

    officer = world["yb_officer"]
    draft = document_services.dispatch_create(
        agency=officer.agency,
        user=officer,
        data={
            "doc_type": "notice",
            "series_code": "联",
            "issuer_name": officer.agency.name,
            "title": "关于报送联络员名单的通知",
            "to_agencies": [world["ga_liaison"].agency],
            "cc_agencies": [],
            "recipients_extra": "",
            "cc_extra": "",
            "body": "请于3月20日前报送。",
            "attachment_titles": "",
            "note": "",
            "printed_by": f"{officer.agency.name}办公室",
            "sealed": True,
        },
    )
    issue_through_signoff(draft)
    draft.refresh_from_db()
    document = draft.document
    assert "〔" in document.number and document.number.endswith("号")
    client.force_login(officer)
    response = client.get(reverse("documents:download", args=[document.pk]))
    fallback, encoded = response["Content-Disposition"].split("; filename*=UTF-8''")
    assert fallback == f'attachment; filename="document-{document.pk}.pdf"'
    assert unquote(encoded) == f"{document.number}.pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


# -- zip containers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "kind"), [("笔录.docx", docx, "docx"), ("明细.xlsx", xlsx, "xlsx")]
)
def test_honest_word_and_excel_files_pass(name, build, kind):
    sniffed, _sha = uploads.check_evidence_file(SimpleUploadedFile(name, build()))
    assert sniffed.kind == kind


def test_a_word_file_with_an_embedded_spreadsheet_passes():
    """Word keeps a chart's data as an .xlsx inside the .docx: nested zips are not refused."""
    data = docx(**{"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx()})
    assert uploads.check_evidence_file(SimpleUploadedFile("图表.docx", data))[0].kind == "docx"


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused(bomb):
    error = refusal(bomb)
    assert error.code == "zip_damaged"


def test_a_part_that_unpacks_to_less_than_it_declares_is_refused():
    data = docx()
    declared = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size
    assert refusal(forge(data, "word/document.xml", size=declared + 1)).code == "zip_damaged"


def test_a_part_whose_checksum_does_not_match_is_refused():
    data = docx()
    real = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").CRC
    assert refusal(forge(data, "word/document.xml", crc=real ^ 1)).code == "zip_damaged"


def test_encrypted_parts_are_refused():
    data = forge(docx(), "word/document.xml", flags=0x01)
    assert refusal(data).code == "zip_encrypted"


@pytest.mark.parametrize("second", ["word/document.xml", "Word/Document.XML"])
def test_two_parts_of_one_name_are_refused(second):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate, and writes it
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document>what Word shows</w:document>")
        archive.writestr(second, b"<w:document>what another reader shows</w:document>")
    assert refusal(buffer.getvalue()).code == "zip_damaged"


def test_parts_that_overlap_are_refused():
    """The first part's data, as declared, runs over the second part's header (the overlap
    of the "better zip bomb"); zipfile itself reads both without complaint."""
    data = docx()
    first = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    forged = forge(data, first.filename, compressed=first.compress_size + 200)
    with zipfile.ZipFile(io.BytesIO(forged)) as archive:
        assert archive.testzip() is None
    assert refusal(forged).code == "zip_damaged"


def _many_parts(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for n in range(count):
            archive.writestr(f"word/media/image{n}.png", b"")
    return buffer.getvalue()


def test_more_than_two_thousand_parts_are_refused():
    error = refusal(_many_parts(2001))
    assert error.code == "zip_members"
    assert (
        error.messages[0] == "文件“询问笔录.docx”包含的部件超过2000个，远多于正常文档，未予接收。"
    )


def test_a_huge_directory_is_refused_before_zipfile_reads_it(monkeypatch):
    """zipfile builds an object per entry: 40 000 empty entries would cost it a second."""
    data = _many_parts(40000)

    def parsing(*args, **kwargs):
        raise AssertionError("zipfile parsed the directory")

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", parsing)
    assert refusal(data).code == "zip_members"


def test_a_zip64_end_record_is_followed_to_the_directory_size():
    """A writer may always use ZIP64's end record; the classic one then says 0xFFFFFFFF."""
    data = docx()
    end = data.rfind(b"PK\x05\x06")
    entries, size, offset = struct.unpack_from("<HII", data, end + 10)
    zip64_end = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, offset
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    classic = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0
    )
    honest = data[:end] + zip64_end + locator + classic
    assert uploads.check_evidence_file(SimpleUploadedFile("a.docx", honest))[0].kind == "docx"
    many = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 9, 9, 50 * MB, offset)
    assert refusal(data[:end] + many + locator + classic).code == "zip_members"


def test_declared_sizes_past_the_limit_are_refused_without_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w") as part:
            for _ in range(201):
                part.write(bytes(MB))
    error = refusal(buffer.getvalue())
    assert error.code == "zip_too_large"
    assert "200 MB" in error.messages[0]


# -- the bomb through the forms --------------------------------------------------------------


def test_the_bomb_is_refused_as_case_evidence_with_a_clear_message_and_nothing_stored(
    client, world, settings, bomb
):
    client.force_login(world["yb_officer"])
    response = client.post(
        reverse("cases:create"),
        {
            "title": "长春市某医院涉嫌分解住院案",
            "source": "flying_inspection",
            "violation_types": [ViolationType.objects.get(code="split_admission").pk],
            "suspected_amount": "3862700.50",
            "description": "飞行检查发现分解住院。",
            "confidentiality": "internal",
            "informant": "",
            "evidence": [SimpleUploadedFile("询问笔录.docx", bomb)],
            "subjects-TOTAL_FORMS": "1",
            "subjects-INITIAL_FORMS": "0",
            "subjects-MIN_NUM_FORMS": "1",
            "subjects-MAX_NUM_FORMS": "50",
            "subjects-0-kind": "institution",
            "subjects-0-name": "长春市某医院",
            "subjects-0-credit_code": "91110000600037341L",
            "subjects-0-id_number": "",
            "subjects-0-institution_class": "public_secondary",
            "subjects-0-note": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"] == [
        "文件“询问笔录.docx”已损坏或被篡改：其实际内容与文件自身记载的大小和校验值不符，"
        "未予接收。请用原软件重新保存后再上传。"
    ]
    assert "已损坏或被篡改" in response.content.decode()
    assert not Case.objects.exists() and not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_the_bomb_is_refused_as_meeting_material_and_nothing_stored(
    client, world, meeting, settings, bomb
):
    before = stored_files(settings)
    client.force_login(world["wj_liaison"])
    response = client.post(
        reverse("meetings:topic_new", args=[meeting.pk]),
        {
            "title": "分解住院联合整治",
            "background": "2026年以来发现分解住院37起。",
            "files": SimpleUploadedFile("典型案例.docx", bomb),
        },
    )
    assert response.status_code == 200
    assert "文件“典型案例.docx”已损坏或被篡改" in response.context["form"].errors["files"][0]
    assert not Topic.objects.exists() and not MeetingFile.objects.exists()
    assert stored_files(settings) == before
