"""签收 in a batch from the inbox: the liaison ticks several referrals and signs them at once;
each is its own step with its receipt, and what is not theirs, or already signed, is left."""

from django.urls import reverse

from cases.models import Referral
from tests.builders import as_user, open_task, referred


def test_a_liaison_signs_several_referrals_at_once(client, world, agencies):
    cases = [referred(world, agencies, "省卫生健康委", f"批量签收{i}") for i in range(3)]
    other = referred(world, agencies, "省市场监管厅", "别的单位的移送")
    tasks = [open_task(case, "receive") for case in cases]
    as_user(client, "wj_liaison")
    inbox = client.get(reverse("cases:inbox"), {"scope": "mine"})
    assert inbox.context["batch"]
    assert reverse("cases:batch_sign") in inbox.content.decode()
    chosen = [tasks[0].pk, tasks[1].pk, open_task(other, "receive").pk, 999999]
    response = client.post(reverse("cases:batch_sign"), {"task": chosen}, follow=True)
    html = response.content.decode()
    assert "2件" in html or "2 " in html
    signed = Referral.objects.filter(case__in=cases[:2])
    assert all(r.status == Referral.Status.SIGNED for r in signed)
    assert all(r.issued_documents().filter(doc_type="receipt").exists() for r in signed)
    assert Referral.objects.get(case=cases[2]).status == Referral.Status.SENT  # not ticked
    assert Referral.objects.get(case=other).status == Referral.Status.SENT  # not theirs
    again = client.post(reverse("cases:batch_sign"), {"task": [tasks[0].pk]}, follow=True)
    assert "xt-message--warning" in again.content.decode()  # already signed: said, not redone


def test_nobody_else_signs_through_the_batch(client, world, agencies):
    case = referred(world, agencies, "省卫生健康委", "别人签收")
    task = open_task(case, "receive")
    for username in ("wj_officer", "auditor", "ga_liaison"):
        as_user(client, username)
        client.post(reverse("cases:batch_sign"), {"task": [task.pk]})
    assert Referral.objects.get(case=case).status == Referral.Status.SENT


def test_one_referral_is_signed_on_its_own_page_not_in_a_batch(client, world, agencies):
    referred(world, agencies, "省卫生健康委", "只有一件")
    as_user(client, "wj_liaison")
    assert not client.get(reverse("cases:inbox"), {"scope": "mine"}).context["batch"]
