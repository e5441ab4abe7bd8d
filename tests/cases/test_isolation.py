"""Every case, task, document and evidence URL of the demo world, requested as a user of every
agency that is not party to it, is a 404.

Which agencies are party is computed from the rows themselves — the case's agency and each
referral's sender, receiver and copied procuratorate — not by the access code under test. The
demo world holds more than a hundred cases; the sweep takes one case of every kind (originating
agency, status, and whether it went to 纪委监委, the police or a city agency), which covers every
way a case and its URLs can look, and keeps the run short."""

from django.core.management import call_command
from django.urls import reverse
from viewflow.workflow.models import Task

from agencies.models import Agency, Role
from cases.models import Case, Comment, Evidence
from tests.factories import UserFactory


def parties(case) -> set[int]:
    agencies = {case.agency_id}
    for referral in case.referrals.all():
        agencies |= {referral.from_agency_id, referral.to_agency_id, referral.copy_to_id}
    return agencies - {None}


def one_of_each_kind(cases) -> list[Case]:
    kinds = {}
    for case in cases:
        receivers = frozenset(r.to_agency.kind for r in case.referrals.all())
        kinds.setdefault((case.agency_id, case.status, receivers), case)
    return list(kinds.values())


def case_urls(case, agency) -> list[str]:
    urls = [reverse("cases:detail", args=[case.pk])]
    tasks = Task.objects.filter(process__caseprocess__case=case, flow_task_type="HUMAN")
    urls += [reverse("cases:task", args=[t.pk]) for t in tasks]
    urls += [reverse("cases:evidence", args=[e.pk]) for e in Evidence.objects.filter(case=case)]
    for referral in case.referrals.all():
        urls += [reverse("documents:download", args=[d.pk]) for d in referral.issued_documents()]
        urls += [
            reverse("cases:withdraw", args=[referral.pk]),
            reverse("cases:extend", args=[referral.pk]),
            reverse("cases:package", args=[referral.pk]),
        ]
        urls += [
            reverse("cases:extension", args=[e.pk])
            for e in referral.extensions.exclude(approver_agency=agency)
        ]
    return urls


def test_every_url_of_every_kind_of_case_is_404_for_uninvolved_agencies(client, db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    cases = one_of_each_kind(Case.objects.prefetch_related("referrals__to_agency").order_by("pk"))
    assert len(cases) >= 20
    roles = [Role.CASE_OFFICER, Role.AGENCY_LEADER, Role.LIAISON]
    checked = 0
    for agency in Agency.objects.all():
        person = UserFactory(agency=agency, roles=roles)
        client.force_login(person)
        # the ledger and its export hold no row of a case the agency is not party to
        ledger = client.get(reverse("cases:ledger")).content.decode()
        export = b"".join(
            client.get(reverse("cases:ledger_export", args=["csv"])).streaming_content
        ).decode("utf-8-sig")
        for case in cases:
            if agency.pk not in parties(case):
                assert case.number not in ledger and case.number not in export, (agency, case)
        # the statistics drill down into the ledger: behind the totals, no row of another's
        stats = client.get(reverse("stats:index"), {"dimension": "agency"})
        for found, _charts in stats.context["tables"]:
            for cell in found.total.cells if found.total else ():
                if cell.url and cell.url.startswith(reverse("cases:ledger")):
                    rows = client.get(cell.url).context["page"].paginator.object_list
                    assert all(agency.pk in parties(row.case) for row in rows), (agency, cell.url)
        for case in cases:
            if agency.pk in parties(case):
                continue
            for url in case_urls(case, agency):
                assert client.get(url).status_code == 404, (agency.name, url)
                checked += 1
            for task in Task.objects.filter(
                process__caseprocess__case=case, flow_task_type="HUMAN"
            ):
                posted = client.post(reverse("cases:task", args=[task.pk]), {"action": "sign"})
                assert posted.status_code == 404
            posted = client.post(reverse("cases:detail", args=[case.pk]), {"body": "x"})
            assert posted.status_code == 404
            # the audit application refuses everything to non-auditors, whatever the id: the
            # answer for a real case is the answer for none
            record = client.get(reverse("audit:case_record", args=[case.pk])).status_code
            assert record == client.get(reverse("audit:case_record", args=[10**12])).status_code
            assert record in (403, 404)
    assert not Comment.objects.filter(body="x").exists()
    assert checked > 300


def test_every_dispatch_url_is_404_for_agencies_not_party_to_it(client, db):
    """Outgoing documents: drafts and their 稿纸 stay in the issuing agency; an issued one is
    seen by the agencies it is addressed or copied to, and by nobody else."""
    from documents.models import Dispatch

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    dispatches = list(Dispatch.objects.prefetch_related("to_agencies", "cc_agencies"))
    assert {d.status for d in dispatches} >= {"draft", "submitted", "checked", "returned", "issued"}
    roles = [Role.CASE_OFFICER, Role.AGENCY_LEADER, Role.LIAISON]
    checked = 0
    for agency in Agency.objects.all():
        client.force_login(UserFactory(agency=agency, roles=roles))
        for dispatch in dispatches:
            parties = {dispatch.agency_id}
            if dispatch.status == Dispatch.Status.ISSUED:
                parties |= {a.pk for a in dispatch.to_agencies.all()}
                parties |= {a.pk for a in dispatch.cc_agencies.all()}
            if agency.pk in parties:
                continue
            for name in ("dispatch", "edit", "draft_pdf", "sheet", "correct"):
                url = reverse(f"documents:{name}", args=[dispatch.pk])
                assert client.get(url).status_code == 404, (agency.name, url)
            for name in ("submit", "check", "sign"):
                url = reverse(f"documents:{name}", args=[dispatch.pk])
                assert client.post(url, {"approve": "yes"}).status_code == 404, (agency.name, url)
            checked += 1
    assert checked > 50
    assert dict(Dispatch.objects.values_list("pk", "status")) == {
        d.pk: d.status for d in dispatches
    }
