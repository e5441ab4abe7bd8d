"""The demo meetings build through the services, in the states the demo promises."""

from meetings.models import JointBody, Meeting, Membership, Resolution
from tests.meetings.test_round import MEMBERS


def test_the_demo_meetings_are_in_every_state(world, agencies):
    body = JointBody.objects.create(
        name="吉林省医疗保障基金监管部门联席会议",
        lead_agency=agencies["省医保局"],
        convenor=world["yb_convenor"],
    )
    for order, name in enumerate(MEMBERS):
        Membership.objects.create(body=body, agency=agencies[name], sort_order=order)
    from demo.cases import seed_cases
    from demo.meeting_rounds import seed_meetings

    seed_cases()
    seed_meetings()
    seed_meetings()  # idempotent
    states = set(Meeting.objects.values_list("status", flat=True))
    assert states == {"minutes_issued", "notified", "collecting", "agenda_approval"}
    assert set(Meeting.objects.values_list("kind", flat=True)) == {"full", "consultation"}
    assert set(Resolution.objects.values_list("status", flat=True)) == {"open", "done"}
    upcoming = Meeting.objects.get(status="notified")
    assert upcoming.topics.filter(carried_over=True).count() == 2
    assert not Meeting.objects.get(status="collecting").topics.filter(carried_over=True).exists()
