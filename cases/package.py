"""The referral package (移送材料): one numbered zip of everything a 移送书 lists, for the
receiver (and the sender, the procuratorate copied on it, an auditor) to download at once.

    00-清单.txt                    the manifest: every member by 序号, name, size and SHA-256
    01-<移送书的标题>-<文号>.pdf    the letter as issued
    02-案件调查报告.pdf             附件1 (a referral from the case's agency)
    03-证据材料清单.pdf             附件2
    04-<evidence>…                 the evidence files, in the order the letter lists them

Read-only: built from the frozen IssuedDocuments (their recorded SHA-256 checked, as every
download of them is) and the stored evidence (checked against the SHA-256 taken on upload).
A member whose stored bytes no longer match is never served: PackageTampered. Built in a
SpooledTemporaryFile (memory up to SPOOL_BYTES, then a temporary file), not in memory.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile

from django.utils import timezone

from cases import papers
from cases.models import Referral
from config.downloads import served_name
from documents.services import DocumentTampered, document_read

MANIFEST_NAME = "00-清单.txt"
SPOOL_BYTES = 8 * 1024 * 1024
CHUNK = 1024 * 1024


class PackageTampered(Exception):
    """A stored file of the package no longer matches its recorded SHA-256."""


@dataclass
class Member:
    name: str
    size: int
    sha256: str
    document: object = None  # an IssuedDocument
    evidence: object = None  # an Evidence


def _latest(referral: Referral, doc_type: str):
    """The referral's document of a type in force (a correction replaces its original)."""
    documents = [
        d for d in referral.issued_documents().filter(doc_type=doc_type) if not d.is_superseded
    ]
    return documents[-1] if documents else None


def package_members(referral: Referral) -> list[Member]:
    """What the package holds, numbered from 01 (the manifest is 00), in the letter's order."""
    members = []

    def add(stem: str, **kwargs):
        members.append(Member(name=f"{len(members) + 1:02d}-{stem}", **kwargs))

    letter = _latest(referral, "referral")
    if letter is not None:
        add(
            served_name(f"{letter.title}-{letter.number}", "pdf", default_stem="移送书"),
            size=letter.pdf.size,
            sha256=letter.sha256,
            document=letter,
        )
    for doc_type, title in (
        ("investigation", papers.REPORT_TITLE),
        ("evidence_list", papers.EVIDENCE_LIST_TITLE),
    ):
        document = _latest(referral, doc_type)
        if document is not None:
            add(f"{title}.pdf", size=document.pdf.size, sha256=document.sha256, document=document)
    for evidence in papers.referral_evidence(referral):
        add(
            served_name(
                evidence.original_name, evidence.extension, default_stem=f"evidence-{evidence.pk}"
            ),
            size=evidence.size,
            sha256=evidence.sha256,
            evidence=evidence,
        )
    return members


def manifest_text(referral: Referral, members: list[Member]) -> str:
    """00-清单.txt: the referral in one paragraph, then one tab-separated line per member —
    序号, file name, size in bytes, SHA-256 — for the receiver to check what it received."""
    case = referral.case
    now = timezone.localtime()
    lines = [
        "案件移送材料清单",
        f"案件编号：{case.number}",
        f"案件名称：{case.title}",
        f"移送单位：{referral.from_agency.name}",
        f"接收单位：{referral.to_agency.name}",
        f"生成时间：{now:%Y-%m-%d %H:%M}",
        f"文件数：{len(members)}",
        "",
        "序号\t文件名\t大小（字节）\tSHA-256",
    ]
    for number, member in enumerate(members, start=1):
        lines.append(f"{number}\t{member.name}\t{member.size}\t{member.sha256}")
    lines += ["", "SHA-256是文件的数字指纹：用任一校验工具（如 sha256sum）核对各文件与本清单一致。"]
    return "\r\n".join(lines) + "\r\n"


def _write_evidence(archive: zipfile.ZipFile, member: Member) -> None:
    digest = hashlib.sha256()
    evidence = member.evidence
    with evidence.file.open("rb") as stored, archive.open(member.name, "w") as out:
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    evidence.file.close()
    if digest.hexdigest() != member.sha256:
        raise PackageTampered(member.name)


def build_package(referral: Referral) -> tuple[SpooledTemporaryFile, list[Member], str]:
    """The zip (rewound, ready to serve), its members and its own SHA-256."""
    members = package_members(referral)
    spool = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 — the response closes it
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST_NAME, manifest_text(referral, members).encode("utf-8"))
            for member in members:
                if member.document is not None:
                    try:
                        archive.writestr(member.name, document_read(document=member.document))
                    except DocumentTampered:
                        raise PackageTampered(member.name) from None
                else:
                    _write_evidence(archive, member)
        spool.seek(0)
        digest = hashlib.sha256()
        while chunk := spool.read(CHUNK):
            digest.update(chunk)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool, members, digest.hexdigest()


def package_name(referral: Referral) -> str:
    """吉医保案〔2026〕3号-移送材料-省公安厅 (the extension is put on when it is served)."""
    return f"{referral.case.number}-移送材料-{referral.to_agency.short_name}"
