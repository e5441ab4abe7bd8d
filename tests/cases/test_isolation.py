"""Every case, task, document and evidence URL of the demo world, requested as a user of every
agency that is not party to it, is a 404."""

from django.core.management import call_command
from django.urls import reverse
from viewflow.workflow.models import Task

from agencies.models import Agency, Role
from cases.models import Case, Comment, Evidence, Referral
from cases.selectors import visible_referrals_q
from tests.factories import UserFactory


def test_every_url_of_every_case_is_404_for_uninvolved_agencies(client, db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    roles = [Role.CASE_OFFICER, Role.AGENCY_LEADER, Role.LIAISON]
    checked = 0
    for agency in Agency.objects.all():
        person = UserFactory(agency=agency, roles=roles)
        client.force_login(person)
        for case in Case.objects.all():
            party = (
                case.agency_id == agency.pk
                or Referral.objects.filter(visible_referrals_q(person), case=case).exists()
            )
            if party:
                continue
            urls = [reverse("cases:detail", args=[case.pk])]
            urls += [
                reverse("cases:task", args=[t.pk])
                for t in Task.objects.filter(
                    process__caseprocess__case=case, flow_task_type="HUMAN"
                )
            ]
            urls += [
                reverse("cases:evidence", args=[e.pk]) for e in Evidence.objects.filter(case=case)
            ]
            for referral in case.referrals.all():
                urls += [
                    reverse("documents:download", args=[d.pk]) for d in referral.issued_documents()
                ]
                urls += [
                    reverse("cases:withdraw", args=[referral.pk]),
                    reverse("cases:extend", args=[referral.pk]),
                ]
                urls += [
                    reverse("cases:extension", args=[e.pk])
                    for e in referral.extensions.exclude(approver_agency=agency)
                ]
            for url in urls:
                assert client.get(url).status_code == 404, (agency.name, url)
                checked += 1
            for task in Task.objects.filter(
                process__caseprocess__case=case, flow_task_type="HUMAN"
            ):
                posted = client.post(reverse("cases:task", args=[task.pk]), {"action": "sign"})
                assert posted.status_code == 404
            posted = client.post(reverse("cases:detail", args=[case.pk]), {"body": "x"})
            assert posted.status_code == 404
    assert not Comment.objects.filter(body="x").exists()
    assert checked > 100
