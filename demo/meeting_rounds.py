"""Demo meetings: a past full meeting with its notice, minutes and resolutions in progress
(one overdue, one done), the next full meeting collecting replies to its notice (with the
open resolutions carried over), a round collecting topics and a major-case consultation
awaiting the convenor. Built through the services; past dates are reached by moving the
meeting's times after the fact, as the demo cases do for overdue tasks."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Agency, User
from cases.models import Case
from meetings import services
from meetings.models import Meeting, Resolution
from meetings.selectors import joint_body


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _agency(short: str) -> Agency:
    return Agency.objects.get(short_name=short)


def _agenda(meeting, topics, office):
    for topic in topics:
        services.topic_screen(user=office, topic=topic, action="accept")
    services.agenda_submit(
        user=office,
        meeting=meeting,
        items=[(t, i, 30 if i == 1 else 20) for i, t in enumerate(topics, 1)],
    )


def _approve(meeting, start, invited=()):
    services.agenda_approve(
        user=_user("yb_convenor"),
        meeting=meeting,
        approve=True,
        starts_at=start,
        ends_at=start + timedelta(hours=2, minutes=30),
        place="吉林省医疗保障局三楼第一会议室",
        form="on_site",
        rsvp_due=start - timedelta(days=3),
        invited=list(invited),
    )


def seed_meetings() -> dict:
    body = joint_body()
    if body is None or body.meetings.exists():
        return {"meetings": Meeting.objects.count()}
    office = _user("yb_office")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)

    # 1. the past quarter's full meeting, minuted, with resolutions being followed up
    past = services.meeting_open(
        user=office,
        kind="full",
        title="2026年第三季度医保基金监管联席会议全体会议",
        topics_due=now + timedelta(days=2),
    )
    topics = [
        services.topic_submit(
            user=_user("yb_liaison"),
            meeting=past,
            title="关于开展定点医疗机构联合专项检查的议题",
            background="今年以来飞行检查发现分解住院、虚构医疗服务问题多发，需多部门联合检查。",
            proposed_resolution="由省医保局牵头，卫健、市场监管部门配合，开展为期三个月的联合专项检查。",
        ),
        services.topic_submit(
            user=_user("ga_liaison"),
            meeting=past,
            title="关于完善行刑衔接证据移交机制的议题",
            background="部分移送案件证据移交不及时，影响立案审查。",
            proposed_resolution="明确立案后3日内移交涉案物品和材料的交接程序。",
        ),
        services.topic_submit(
            user=_user("scjg_liaison"),
            meeting=past,
            title="关于医药价格监测信息共享的议题",
            background="医药价格监测数据与医保结算数据尚未互通。",
        ),
    ]
    services.topics_none(user=_user("sj_liaison"), meeting=past)
    _agenda(past, topics, office)
    _approve(past, now + timedelta(days=5), invited=[_agency("省药监局")])
    services.rsvp(
        user=_user("wj_liaison"), meeting=past, reply="attending", attendees="许德明 副主任"
    )
    services.rsvp(
        user=_user("cz_liaison"), meeting=past, reply="leave", leave_reason="同期参加财政部会议"
    )
    held = now - timedelta(days=40)
    Meeting.objects.filter(pk=past.pk).update(
        starts_at=held,
        ends_at=held + timedelta(hours=2, minutes=30),
        rsvp_due=held - timedelta(days=3),
        topics_due=held - timedelta(days=14),
    )
    past.refresh_from_db()
    services.attendance_record(
        user=office,
        meeting=past,
        attendance={
            p.pk: "absent"
            if p.agency.short_name == "省财政厅"
            else "observer"
            if p.role == "invited"
            else "present"
            for p in past.participants.select_related("agency")
        },
    )
    today = timezone.localdate()
    services.minutes_draft(
        user=office,
        meeting=past,
        text="会议由召集人王建国主持，听取了各成员单位工作汇报，研究了三项议题。",
        resolutions=[
            {
                "text": "开展定点医疗机构联合专项检查，年底前完成对二级以上医院的全覆盖检查。",
                "lead_agency": _agency("省医保局"),
                "cooperating": [_agency("省卫生健康委"), _agency("省市场监管厅")],
                "due_on": today + timedelta(days=38),
            },
            {
                "text": "制定行刑衔接涉案物品和材料移交工作细则。",
                "lead_agency": _agency("省公安厅"),
                "cooperating": [_agency("省医保局"), _agency("省检察院")],
                "due_on": today - timedelta(days=10),  # overdue
            },
            {
                "text": "建立医药价格监测与医保结算数据共享机制。",
                "lead_agency": _agency("省市场监管厅"),
                "cooperating": [_agency("省医保局")],
                "due_on": today - timedelta(days=5),
            },
        ],
    )
    services.minutes_submit(user=office, meeting=past)
    services.minutes_approve(user=_user("yb_convenor"), meeting=past, approve=True)
    first, second, third = past.resolutions.order_by("number")
    services.resolution_report(
        user=_user("yb_liaison"),
        resolution=first,
        body="已完成46家二级以上医院检查，发现问题线索12条，已移送3条。",
        completion=False,
    )
    services.resolution_report(
        user=_user("scjg_liaison"),
        resolution=third,
        body="数据共享协议已签订，价格监测数据已按月推送至医保部门。",
        completion=True,
    )
    services.resolution_verify(user=office, resolution=third, accept=True)

    # 2. the next full meeting: notice issued, replies coming in; open resolutions carried over
    upcoming = services.meeting_open(
        user=office,
        kind="full",
        title="2026年第四季度医保基金监管联席会议全体会议",
        topics_due=now + timedelta(days=1),
    )
    topic = services.topic_submit(
        user=_user("jcy_liaison"),
        meeting=upcoming,
        title="关于加强医保领域立案监督的议题",
        background="通报今年以来医保领域立案监督情况。",
    )
    carried = list(upcoming.topics.filter(carried_over=True))
    _agenda(upcoming, [topic, *carried], office)
    _approve(upcoming, now + timedelta(days=12))
    services.rsvp(
        user=_user("ga_liaison"), meeting=upcoming, reply="attending", attendees="褚卫东 副厅长"
    )
    services.rsvp(
        user=_user("wj_liaison"),
        meeting=upcoming,
        reply="substitute",
        attendees="吕晓红 综合监督局副局长（代许德明副主任参会）",
    )

    # 3. next quarter's round, collecting topics
    collecting = services.meeting_open(
        user=office,
        kind="full",
        title="2027年第一季度医保基金监管联席会议全体会议",
        topics_due=now + timedelta(days=20),
    )
    services.topic_submit(
        user=_user("sj_liaison"),
        meeting=collecting,
        title="关于医保基金专项审计发现问题整改的议题",
        background="通报专项审计发现问题及整改进展。",
    )
    services.topics_none(user=_user("cz_liaison"), meeting=collecting)

    # 4. a major-case consultation about the 一案多查 case, awaiting the convenor
    case = Case.objects.filter(title__contains="一案多查").first()
    if case is not None:
        parties = [
            case.agency,
            *[r.to_agency for r in case.referrals.exclude(to_agency__kind="discipline")],
        ]
        consultation = services.meeting_open(
            user=office,
            kind="consultation",
            title=f"{case.number}重大案件会商",
            agencies=list(dict.fromkeys(parties)),
            case=case,
            note="重点研究涉案金额认定和行刑衔接证据标准。",
        )
        topic = services.topic_submit(
            user=office,
            meeting=consultation,
            title="涉案金额认定及证据标准",
            background="该院分解住院、虚构医疗服务涉案金额约386万元，需统一认定口径。",
            cases=[(case, "某综合医院涉嫌分解住院、虚构医疗服务，已移送公安、卫健、市场监管。")],
        )
        _agenda(consultation, [topic], office)
    from meetings.reminders import escalate_resolutions

    escalate_resolutions()  # what cron's meeting_reminders would have done by now
    return {"meetings": Meeting.objects.count(), "resolutions": Resolution.objects.count()}
