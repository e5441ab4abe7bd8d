"""The case team recorded at the leader's decision (办案人员, at least two officers of the
agency), and the referral package: one numbered zip of the 移送书, its attachments and the
evidence, with a manifest whose hashes the receiver can check, downloaded by the parties only
and logged for whoever takes it."""

import hashlib
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.models import Case
from tests.builders import as_user, open_task
from tests.cases.test_referral_papers import PNG, two_page_pdf


def register(world, files=()):
    return services.case_register(
        user=world["yb_officer"],
        subjects=[],
        files=list(files),
        data={
            "title": "某医院涉嫌串换耗材案",
            "source": "flying_inspection",
            "violation_types": [],
            "suspected_amount": Decimal("8800.00"),
            "description": "飞行检查发现串换耗材。",
            "violation_start": date(2025, 3, 1),
            "violation_end": date(2025, 12, 31),
            "confidentiality": "internal",
            "informant": "",
        },
    )


def approve(client, case, agencies, team, to="省公安厅"):
    as_user(client, "yb_leader")
    return client.post(
        reverse("cases:task", args=[open_task(case, "approve").pk]),
        {
            "decision": "refer",
            "to_agencies": [agencies[to].pk],
            "summary": "涉嫌诈骗犯罪，依法移送。",
            "reason": "",
            "team": [member.pk for member in team],
        },
    )


@pytest.fixture
def evidence_files():
    return [
        SimpleUploadedFile("询问笔录.pdf", two_page_pdf(), content_type="application/pdf"),
        SimpleUploadedFile("现场照片.png", PNG, content_type="image/png"),
    ]


# -- the case team ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "team",
    [
        [],
        ["yb_officer"],
        ["yb_officer", "ga_officer"],  # another agency's officer
        ["yb_officer", "yb_liaison"],  # a liaison does not handle cases
    ],
)
def test_the_team_is_two_officers_of_the_agency_or_nothing_changes(client, world, agencies, team):
    case = register(world)
    before = set(AuditEvent.objects.values_list("seq", flat=True))
    response = approve(client, case, agencies, [world[name] for name in team])
    assert response.status_code == 200
    assert response.context["form"].errors["team"]
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_APPROVAL
    assert not case.referrals.exists() and not case.team.exists()
    assert not AuditEvent.objects.exclude(seq__in=before).exclude(action="auth.login").exists()


def test_the_service_refuses_a_team_of_one_whatever_the_form(world, agencies):
    from django.core.exceptions import ValidationError

    case = register(world)
    with pytest.raises(ValidationError):
        services.case_decide(
            task=open_task(case, "approve"),
            user=world["yb_leader"],
            decision="in_house",
            team=[world["yb_officer"]],
        )
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_APPROVAL and not case.team.exists()


def test_the_leader_records_the_team_when_referring(client, world, agencies):
    case = register(world)
    team = [world["yb_officer"], world["yb_officer2"]]
    assert approve(client, case, agencies, team).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.REFERRED
    assert set(case.team.all()) == set(team)
    assert case.history.first().team.count() == 2  # simple-history keeps the team
    event = AuditEvent.objects.get(action="case.decided.refer")
    assert sorted(event.data["team"]) == sorted(m.pk for m in team)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for member in team:
        assert member.get_full_name() in page
    assert "2025-03-01" in page and "2025-12-31" in page


# -- the package -----------------------------------------------------------------------------


@pytest.fixture
def referral(client, world, agencies, evidence_files):
    case = register(world, evidence_files)
    assert approve(client, case, agencies, [world["yb_officer"], world["yb_officer2"]]).status_code
    return case.referrals.get()


def manifest_rows(text: str) -> list[list[str]]:
    header = text.splitlines().index("序号\t文件名\t大小（字节）\tSHA-256")
    rows = []
    for line in text.splitlines()[header + 1 :]:
        if not line.strip():
            break
        rows.append(line.split("\t"))
    return rows


def test_the_receiver_downloads_one_numbered_zip_whose_manifest_holds(client, world, referral):
    as_user(client, "ga_liaison")
    response = client.get(reverse("cases:package", args=[referral.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert ".zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    names = archive.namelist()
    letter = referral.issued_documents().get(doc_type="referral")
    assert names == [
        "00-清单.txt",
        f"01-{letter.title}-{letter.number}.pdf",
        "02-案件调查报告.pdf",
        "03-证据材料清单.pdf",
        "04-询问笔录.pdf",
        "05-现场照片.png",
    ]
    manifest = archive.read("00-清单.txt").decode("utf-8")
    assert referral.case.number in manifest and referral.to_agency.name in manifest
    rows = manifest_rows(manifest)
    assert [row[1] for row in rows] == names[1:]
    for number, (index, name, size, sha256) in enumerate(rows, start=1):
        data = archive.read(name)
        assert index == str(number)
        assert int(size) == len(data), name
        assert sha256 == hashlib.sha256(data).hexdigest(), name
    # the members are the frozen documents and the evidence as uploaded
    assert hashlib.sha256(archive.read(names[1])).hexdigest() == letter.sha256
    pdf, png = referral.case.evidence.order_by("uploaded_at", "pk")
    assert archive.read("04-询问笔录.pdf") == two_page_pdf() or (
        hashlib.sha256(archive.read("04-询问笔录.pdf")).hexdigest() == pdf.sha256
    )
    assert archive.read("05-现场照片.png") == PNG


def test_each_download_of_the_package_is_logged(client, world, referral):
    before = set(AuditEvent.objects.values_list("seq", flat=True))
    as_user(client, "ga_liaison")
    response = client.get(reverse("cases:package", args=[referral.pk]))
    body = b"".join(response.streaming_content)
    new = AuditEvent.objects.exclude(seq__in=before).exclude(action__startswith="auth.")
    assert [e.action for e in new] == ["referral.package_downloaded"]
    event = new.get()
    assert event.actor == world["ga_liaison"]
    assert event.object_id == str(referral.case_id)
    assert event.data["referral"] == referral.pk and event.data["files"] == 5
    assert event.data["sha256"] == hashlib.sha256(body).hexdigest()
    documents = referral.issued_documents().filter(
        doc_type__in=["referral", "investigation", "evidence_list"]
    )
    assert sorted(event.data["documents"]) == sorted(d.pk for d in documents)


def test_the_sender_and_the_procuratorate_copied_may_download_it_an_outsider_not(
    client, world, referral
):
    url = reverse("cases:package", args=[referral.pk])
    for username in ("yb_officer", "jcy_liaison"):
        as_user(client, username)
        assert client.get(url).status_code == 200, username
    before = AuditEvent.objects.filter(action="referral.package_downloaded").count()
    for username in ("wj_liaison", "sj_officer", "cz_officer"):  # not party to it
        as_user(client, username)
        assert client.get(url).status_code == 404, username
    assert client.get(reverse("cases:package", args=[10**9])).status_code == 404
    assert AuditEvent.objects.filter(action="referral.package_downloaded").count() == before
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_a_tampered_member_is_not_served(client, world, referral):
    evidence = referral.case.evidence.order_by("uploaded_at", "pk").last()
    with open(evidence.file.path, "wb") as stored:
        stored.write(b"\x89PNG tampered")
    as_user(client, "ga_liaison")
    before = AuditEvent.objects.filter(action="referral.package_downloaded").count()
    response = client.get(reverse("cases:package", args=[referral.pk]))
    assert response.status_code == 409
    assert AuditEvent.objects.filter(action="referral.package_downloaded").count() == before


def test_the_receipt_and_the_task_page_offer_the_package(client, world, referral):
    as_user(client, "ga_liaison")
    task = open_task(referral.case, "receive", referral)
    page = client.get(reverse("cases:task", args=[task.pk])).content.decode()
    assert reverse("cases:package", args=[referral.pk]) in page
    page = client.get(reverse("cases:detail", args=[referral.case_id])).content.decode()
    assert reverse("cases:package", args=[referral.pk]) in page
