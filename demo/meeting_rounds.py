"""Demo meetings, built through the services:

1. last quarter's full meeting, held: topics with materials, the notice and a 列席 letter to
   药监局 for one item, every unit's reply, attendance, minutes chaired by the convenor, and
   resolutions being followed up — one in progress, one overdue and escalated to 督办, one
   done with its evidence, one following up the 一案多查 case;
2. this quarter's full meeting, notified and collecting replies, with the open resolutions
   carried over onto its agenda;
3. next quarter's round, collecting topics: one submitted, one returned for revision, one unit
   with none;
4. a major-case consultation about the 一案多查 case, its agenda awaiting the convenor.

The past meeting is built on the demo clock (demo/clock.py): its notice is issued before it,
its minutes after it, its reports in the weeks since, so its documents and timeline carry the
dates a real one would. Meetings start at round local hours.
"""

from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, User
from cases.models import Case
from demo.clock import as_of
from documents.content import DocumentContent
from documents.rendering import render_pdfs
from meetings import services
from meetings.models import Meeting, Resolution, Topic
from meetings.selectors import joint_body


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _agency(short: str) -> Agency:
    return Agency.objects.get(short_name=short)


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    """A local time `days` from today (negative: in the past)."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _paper(name: str, title: str, body: str, issuer: str) -> SimpleUploadedFile:
    """A realistic PDF for a topic's materials or a report's evidence."""
    content = DocumentContent(
        layout="letter",
        issuer_mark=issuer,
        number="",
        title=title,
        body=body,
        issued_on=timezone.localdate(),
        signature=issuer,
        sealed=False,
    )
    pdf = render_pdfs(content, variants=(None,))[0]
    return SimpleUploadedFile(name, pdf, content_type="application/pdf")


def _agenda(meeting, topics, office):
    for topic in topics:
        if topic.status != Topic.Status.ACCEPTED:
            services.topic_screen(user=office, topic=topic, action="accept")
    services.agenda_submit(
        user=office,
        meeting=meeting,
        items=[(t, i, 30 if i == 1 else 20) for i, t in enumerate(topics, 1)],
    )


def _approve(meeting, start, invited=None, chair="yb_convenor"):
    services.agenda_approve(
        user=_user("yb_convenor"),
        meeting=meeting,
        approve=True,
        starts_at=start,
        ends_at=start + timedelta(hours=2, minutes=30),
        place="吉林省医疗保障局三楼第一会议室",
        form="on_site",
        rsvp_due=start - timedelta(days=3),
        chair=_user(chair),
        invited=invited or {},
    )


@transaction.atomic
def seed_meetings() -> dict:
    body = joint_body()
    if body is None or body.meetings.exists():
        return {"meetings": Meeting.objects.count()}
    office = _user("yb_office")
    big_case = Case.objects.filter(title__contains="一案多查").order_by("pk").first()
    _past_meeting(office, big_case)
    _upcoming_meeting(office)
    _collecting_round(office)
    if big_case is not None:
        _consultation(office, big_case)
    _escalations_so_far()
    return {"meetings": Meeting.objects.count(), "resolutions": Resolution.objects.count()}


def _escalations_so_far():
    """What cron's hourly meeting_reminders did over the past weeks: each overdue resolution
    escalated on the day each level fell due."""
    from meetings.reminders import escalate_resolutions

    for days in range(-30, 1):
        moment = _at(days, 9) if days else timezone.now()
        with as_of(moment):
            escalate_resolutions(now=moment)


def _past_meeting(office, big_case):
    today = timezone.localdate()  # the real today: due dates are measured from it
    held = _at(-40, 9)
    with as_of(held - timedelta(days=24)):
        past = _call_for_topics(office, big_case, held)
    with as_of(held + timedelta(hours=3)):
        _record_the_day(office, past)
    with as_of(held + timedelta(days=2)):
        _minutes(office, past, big_case, today)
    with as_of(held + timedelta(days=25)):
        _follow_up(office, past, big_case)


def _call_for_topics(office, big_case, held):
    past = services.meeting_open(
        user=office,
        kind="full",
        title="2026年第三季度医保基金监管联席会议全体会议",
        topics_due=held - timedelta(days=14, hours=16),
    )
    inspection = services.topic_submit(
        user=_user("yb_liaison"),
        meeting=past,
        title="关于开展定点医疗机构联合专项检查的议题",
        background="今年以来飞行检查发现分解住院、虚构医疗服务问题多发，需多部门联合检查。",
        proposed_resolution="由省医保局牵头，卫健、市场监管部门配合，开展为期三个月的联合专项检查。",
        files=[
            _paper(
                "联合专项检查工作方案（征求意见稿）.pdf",
                "定点医疗机构联合专项检查工作方案（征求意见稿）",
                "一、检查范围：全省二级以上定点医疗机构。\n二、检查重点：分解住院、挂床住院、"
                "虚构医疗服务、串换药品耗材。\n三、时间安排：为期三个月，分自查自纠、集中检查、"
                "整改落实三个阶段。",
                "吉林省医疗保障局",
            )
        ],
        cases=[(big_case, "某综合医院涉嫌分解住院、虚构医疗服务，涉案约386万元，已一案多查。")]
        if big_case
        else (),
    )
    handover = services.topic_submit(
        user=_user("ga_liaison"),
        meeting=past,
        title="关于完善行刑衔接证据移交机制的议题",
        background="部分移送案件证据移交不及时，影响立案审查。",
        proposed_resolution="明确立案后3日内移交涉案物品和材料的交接程序。",
    )
    prices = services.topic_submit(
        user=_user("scjg_liaison"),
        meeting=past,
        title="关于医药价格监测信息共享的议题",
        background="医药价格监测数据与医保结算数据尚未互通。",
    )
    services.topics_none(user=_user("sj_liaison"), meeting=past)
    services.topics_none(user=_user("cz_liaison"), meeting=past)
    with as_of(held - timedelta(days=12)):
        _agenda(past, [inspection, handover, prices], office)
        _approve(past, held, invited={inspection: [_agency("省药监局")]})
    replies = {
        "yb_liaison": ("attending", "王建国 局长、李志刚 副局长、陈海燕 基金监管处处长"),
        "jcy_liaison": ("attending", "周振华 副检察长"),
        "ga_liaison": ("attending", "褚卫东 副厅长、沈立新 经济犯罪侦查总队支队长"),
        "wj_liaison": ("attending", "许德明 副主任"),
        "sj_liaison": ("substitute", "曹丽 社会保障审计处副处长（代张伟民副厅长参会）"),
        "scjg_liaison": ("attending", "华振宇 副厅长"),
        "yj_liaison": ("attending", "喻晓梅 稽查局副局长"),
    }
    with as_of(held - timedelta(days=6)):
        for username, (reply, who) in replies.items():
            services.rsvp(user=_user(username), meeting=past, reply=reply, attendees=who)
        services.rsvp(
            user=_user("cz_liaison"), meeting=past, reply="leave", leave_reason="同期参加财政部会议"
        )
    return past


def _record_the_day(office, past):
    services.attendance_record(
        user=office,
        meeting=past,
        attendance={
            p.pk: "absent"
            if p.reply == "leave"
            else "observer"
            if p.role == "invited"
            else "present"
            for p in past.participants.all()
        },
    )


def _minutes(office, past, big_case, today):
    inspection, handover, prices = past.topics.filter(status="accepted").order_by("order")
    services.minutes_draft(
        user=office,
        meeting=past,
        text="2026年第三季度医保基金监管联席会议全体会议由召集人王建国主持。会议听取了各成员"
        "单位工作汇报，研究了定点医疗机构联合专项检查、行刑衔接证据移交和医药价格监测信息共享"
        "三项议题。",
        resolutions=[
            {
                "text": "开展定点医疗机构联合专项检查，年底前完成对二级以上医院的全覆盖检查。",
                "lead_agency": _agency("省医保局"),
                "cooperating": [_agency("省卫生健康委"), _agency("省市场监管厅")],
                "due_on": today + timedelta(days=38),
                "topic": inspection,
            },
            {
                "text": "制定行刑衔接涉案物品和材料移交工作细则。",
                "lead_agency": _agency("省公安厅"),
                "cooperating": [_agency("省医保局"), _agency("省检察院")],
                "due_on": today - timedelta(days=10),  # overdue: escalated to 督办
                "topic": handover,
            },
            {
                "text": "建立医药价格监测与医保结算数据共享机制。",
                "lead_agency": _agency("省市场监管厅"),
                "cooperating": [_agency("省医保局")],
                "due_on": today - timedelta(days=5),
                "topic": prices,
            },
            *(
                [
                    {
                        "text": f"{big_case.number}案件各承办单位加快办理，统一涉案金额认定口径，"
                        "按月向联席会议办公室报告进展。",
                        "lead_agency": _agency("省公安厅"),
                        "cooperating": [_agency("省卫生健康委"), _agency("省市场监管厅")],
                        "due_on": today + timedelta(days=20),
                        "topic": inspection,
                        "case": big_case,
                    }
                ]
                if big_case
                else []
            ),
        ],
    )
    services.minutes_for_comments(
        user=office, meeting=past, comments_due=timezone.now() + timedelta(hours=1)
    )
    services.minutes_comment(
        user=_user("wj_liaison"),
        meeting=past,
        body="建议在第1项中明确卫健部门负责医疗行为合规性核查。",
    )
    services.minutes_submit(user=office, meeting=past)
    services.minutes_approve(user=_user("yb_convenor"), meeting=past, approve=True)


def _follow_up(office, past, big_case):
    resolutions = list(past.resolutions.order_by("number"))
    services.resolution_report(
        user=_user("yb_liaison"),
        resolution=resolutions[0],
        body="已完成46家二级以上医院检查，发现问题线索12条，已移送3条。",
        completion=False,
    )
    services.resolution_report(
        user=_user("scjg_liaison"),
        resolution=resolutions[2],
        body="数据共享协议已签订，价格监测数据已按月推送至医保部门。",
        completion=True,
        files=[
            _paper(
                "医药价格监测数据共享协议.pdf",
                "医药价格监测与医保结算数据共享协议",
                "甲方：吉林省市场监督管理厅\n乙方：吉林省医疗保障局\n双方约定每月5日前交换上月医药"
                "价格监测数据和医保结算数据，专人负责，依法保密。",
                "吉林省市场监督管理厅",
            )
        ],
    )
    services.resolution_verify(user=office, resolution=resolutions[2], accept=True)
    if big_case is not None:
        services.resolution_report(
            user=_user("ga_liaison"),
            resolution=resolutions[3],
            body="已立案侦查，完成涉案人员询问21人，调取住院病历312份，涉案金额正在审计认定。",
            completion=False,
        )


def _upcoming_meeting(office):
    upcoming = services.meeting_open(
        user=office,
        kind="full",
        title="2026年第四季度医保基金监管联席会议全体会议",
        topics_due=_at(1, 17),
    )
    topic = services.topic_submit(
        user=_user("jcy_liaison"),
        meeting=upcoming,
        title="关于加强医保领域立案监督的议题",
        background="通报今年以来医保领域立案监督情况，研究加强行刑衔接监督的措施。",
        proposed_resolution="建立移送案件立案监督台账，每季度通报。",
    )
    carried = list(upcoming.topics.filter(carried_over=True))
    _agenda(upcoming, [topic, *carried], office)
    _approve(upcoming, _at(12, 14, 30), chair="jcy_deputy")
    services.rsvp(
        user=_user("ga_liaison"), meeting=upcoming, reply="attending", attendees="褚卫东 副厅长"
    )
    services.rsvp(
        user=_user("wj_liaison"),
        meeting=upcoming,
        reply="substitute",
        attendees="吕晓红 综合监督局副局长（代许德明副主任参会）",
    )
    services.rsvp(
        user=_user("jcy_liaison"), meeting=upcoming, reply="attending", attendees="周振华 副检察长"
    )


def _collecting_round(office):
    collecting = services.meeting_open(
        user=office,
        kind="full",
        title="2027年第一季度医保基金监管联席会议全体会议",
        topics_due=_at(20, 17),
    )
    services.topic_submit(
        user=_user("sj_liaison"),
        meeting=collecting,
        title="关于医保基金专项审计发现问题整改的议题",
        background="通报专项审计发现问题及整改进展。",
    )
    returned = services.topic_submit(
        user=_user("wj_liaison"),
        meeting=collecting,
        title="关于医疗机构自查自纠的议题",
        background="建议开展自查自纠。",
    )
    services.topic_screen(
        user=office,
        topic=returned,
        action="return",
        note="请补充自查自纠的范围、时间安排和拟请联席会议议定的事项。",
    )
    services.topics_none(user=_user("cz_liaison"), meeting=collecting)


def _consultation(office, case):
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
