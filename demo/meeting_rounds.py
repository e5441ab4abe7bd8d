"""Demo meetings, built through the services on the demo clock (demo/timeline.py).

The rounds of the present (`seed_meetings`, also run alone by the tests):

1. the last regular full meeting, held some forty days ago: topics with materials, the notice and
   a 列席 letter to 药监局 for one item, every unit's reply, attendance, minutes chaired by the
   convenor, and resolutions being followed up — one in progress, one overdue and escalated to
   督办 by cron, one done with its evidence, one following up the 一案多查 case;
2. the next full meeting, notified and collecting replies, with the open resolutions carried
   over onto its agenda;
3. the round after it, collecting topics: one submitted, one returned for revision, one unit
   with none;
4. a major-case consultation about the 一案多查 case, its agenda awaiting the convenor.

The past (`meeting_history_stories`, in the whole world only): the two regular full meetings
before — half a year and a year before the last one, as the system's "每年召开1-2次" has them —
held, minuted, and their resolutions reported and verified done.

Every step happens on its day: the call for topics weeks before the meeting, the notice after
the agenda is approved, the minutes two days after, the reports in the weeks since. Meetings start
at round hours on working days; every resolution is due on a working day.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import Agency, User
from cases.models import Case
from demo.timeline import Timeline
from documents.content import DocumentContent
from documents.rendering import render_pdfs
from meetings import services
from meetings.models import Meeting, Resolution, Topic
from meetings.selectors import joint_body

NUMERALS = "一二三四五六七八九"
PLACE = "吉林省医疗保障局三楼第一会议室"
REPLIES = {
    "yb_liaison": ("attending", "王建国 局长、李志刚 副局长、陈海燕 基金监管处处长"),
    "jcy_liaison": ("attending", "周振华 副检察长"),
    "ga_liaison": ("attending", "褚卫东 副厅长、沈立新 经济犯罪侦查总队支队长"),
    "wj_liaison": ("attending", "许德明 副主任"),
    "sj_liaison": ("substitute", "曹丽 社会保障审计处副处长（代张伟民副厅长参会）"),
    "scjg_liaison": ("attending", "华振宇 副厅长"),
}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _agency(short: str) -> Agency:
    return Agency.objects.get(short_name=short)


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
        place=PLACE,
        form="on_site",
        rsvp_due=start - timedelta(days=3),
        chair=_user(chair),
        invited=invited or {},
    )


# -- when, and what the meetings are called ---------------------------------------------------


@dataclass
class Calendar:
    """The dates of the rounds, counted from today; meetings on working days."""

    held: list  # the regular meetings already held, oldest first
    upcoming: object
    next_round: date

    @classmethod
    def of(cls, t: Timeline) -> "Calendar":
        last = t.working_day_on_or_before(t.today - timedelta(days=40))
        held = [
            t.at(t.working_day_on_or_before(last - timedelta(days=days)), 9)
            for days in (364, 182, 0)
        ]
        upcoming = t.at(t.working_day(t.today + timedelta(days=12)), 14, 30)
        return cls(held=held, upcoming=upcoming, next_round=t.today + timedelta(days=120))

    def title(self, day: date) -> str:
        """医保基金监管联席会议2026年第二次全体会议: counted within the year, the first meeting of
        the demo's first year counted after a spring meeting before the demo began."""
        days = [timezone.localdate(m) for m in self.held] + [
            timezone.localdate(self.upcoming),
            self.next_round,
        ]
        n = sum(1 for other in days if other.year == day.year and other <= day)
        if day.year == days[0].year and days[0].month > 6:
            n += 1
        return f"医保基金监管联席会议{day.year}年第{NUMERALS[n - 1]}次全体会议"


# -- building -------------------------------------------------------------------------------


def seed_meetings() -> dict:
    """The rounds of the present, on their own timeline (the world runs them with the rest)."""
    t = Timeline()
    for story in meeting_stories(t):
        t.add(story)
    t.run(since=t.today - timedelta(days=70))
    return {"meetings": Meeting.objects.count(), "resolutions": Resolution.objects.count()}


def meetings_to_build() -> bool:
    """The meetings are built once: not again when any exists."""
    body = joint_body()
    return body is not None and not body.meetings.exists()


def meeting_stories(t: Timeline) -> list:
    if not meetings_to_build():
        return []
    when = Calendar.of(t)
    return [
        _last_meeting(t, when),
        _upcoming_meeting(t, when),
        _collecting_round(t, when),
        _consultation(t),
    ]


def meeting_history_stories(t: Timeline) -> list:
    if not meetings_to_build():
        return []
    when = Calendar.of(t)
    return [_earlier_meeting(t, when, 0, FIRST), _earlier_meeting(t, when, 1, SECOND)]


def _big_case():
    return Case.objects.filter(title__contains="一案多查").order_by("pk").first()


def _call(office, title, held):
    return services.meeting_open(
        user=office, kind="full", title=title, topics_due=held - timedelta(days=14, hours=16)
    )


def _replies(meeting, extra=()):
    for username, (reply, who) in [*REPLIES.items(), *extra]:
        services.rsvp(user=_user(username), meeting=meeting, reply=reply, attendees=who)
    services.rsvp(
        user=_user("cz_liaison"), meeting=meeting, reply="leave", leave_reason="同期参加财政部会议"
    )


def _record_the_day(office, meeting):
    services.attendance_record(
        user=office,
        meeting=meeting,
        attendance={
            p.pk: "absent"
            if p.reply == "leave"
            else "observer"
            if p.role == "invited"
            else "present"
            for p in meeting.participants.all()
        },
    )


def _minutes(office, meeting, text, resolutions, comment=None):
    services.minutes_draft(user=office, meeting=meeting, text=text, resolutions=resolutions)
    services.minutes_for_comments(
        user=office, meeting=meeting, comments_due=timezone.now() + timedelta(hours=1)
    )
    if comment:
        services.minutes_comment(user=_user(comment[0]), meeting=meeting, body=comment[1])
    services.minutes_submit(user=office, meeting=meeting)
    services.minutes_approve(user=_user("yb_convenor"), meeting=meeting, approve=True)


def _due(t: Timeline, day: date) -> date:
    """A resolution's due date: the working day on or before `day` (never a rest day)."""
    return t.working_day_on_or_before(day)


# -- the earlier meetings (history) -----------------------------------------------------------

# (liaison, title, background, proposed resolution, resolution, lead, cooperating, days, report)
FIRST = [
    (
        "yb_liaison",
        "关于部署医保基金管理突出问题专项整治的议题",
        "国家部署开展医保基金管理突出问题专项整治，需各成员单位分工协作。",
        "由省医保局牵头制定专项整治工作方案，各成员单位按职责分工推进。",
        "开展医保基金管理突出问题专项整治，组织全省定点医药机构自查自纠。",
        "省医保局",
        ["省卫生健康委", "省市场监管厅"],
        75,
        "专项整治工作方案已印发，全省定点医药机构完成自查自纠，主动退回违规费用。",
    ),
    (
        "ga_liaison",
        "关于建立欺诈骗保案件线索双向移送机制的议题",
        "医保、公安线索移送渠道不畅，部分案件移送不及时。",
        "建立线索双向移送和定期会商机制。",
        "建立医保、公安欺诈骗保案件线索双向移送和季度会商机制。",
        "省公安厅",
        ["省医保局", "省检察院"],
        45,
        "双向移送工作办法已会签印发，首次季度会商已召开。",
    ),
    (
        "sj_liaison",
        "关于医保基金专项审计发现问题整改的议题",
        "专项审计发现部分经办机构违规支付、内控薄弱等问题。",
        "建立整改台账，按季度报送整改进展。",
        "对专项审计发现问题建立整改台账，逐项销号。",
        "省审计厅",
        ["省医保局"],
        90,
        "审计发现的27个问题已全部整改销号，整改台账已报联席会议办公室。",
    ),
]
SECOND = [
    (
        "yb_liaison",
        "关于集中宣传月和省级飞行检查工作安排的议题",
        "4月为全国医保基金监管集中宣传月，年度省级飞行检查需各部门派员参加。",
        "组织集中宣传月活动，抽调各部门人员组成飞行检查组。",
        "组织开展医保基金监管集中宣传月活动，完成年度省级飞行检查。",
        "省医保局",
        ["省卫生健康委", "省市场监管厅", "省公安厅"],
        100,
        "集中宣传月活动覆盖全省各市州；省级飞行检查完成28家定点医疗机构，移送线索9条。",
    ),
    (
        "wj_liaison",
        "关于规范医疗机构诊疗行为的议题",
        "飞行检查发现部分医疗机构过度诊疗、分解住院问题突出。",
        "对问题突出的医疗机构开展约谈。",
        "对飞行检查发现问题的医疗机构主要负责人开展约谈，督促整改到位。",
        "省卫生健康委",
        ["省医保局"],
        60,
        "已约谈14家医疗机构主要负责人，问题整改情况已逐一核查。",
    ),
    (
        "scjg_liaison",
        "关于开展医药价格专项检查的议题",
        "部分药品耗材价格虚高，增加医保基金负担。",
        "联合开展医药价格专项检查。",
        "开展医药价格专项检查，依法查处药品耗材虚高定价行为。",
        "省市场监管厅",
        ["省医保局"],
        80,
        "检查医药企业41家，查处价格违法案件6件，罚没款已上缴国库。",
    ),
]


def _earlier_meeting(t: Timeline, when: Calendar, index: int, items):
    held = when.held[index]
    title = when.title(timezone.localdate(held))
    office = _user("yb_office")
    yield held - timedelta(days=24)
    meeting = _call(office, title, held)
    topics = []
    for n, (liaison, topic_title, background, proposed, *_rest) in enumerate(items):
        yield held - timedelta(days=21 - 2 * n, hours=-1)
        topics.append(
            services.topic_submit(
                user=_user(liaison),
                meeting=meeting,
                title=topic_title,
                background=background,
                proposed_resolution=proposed,
            )
        )
    submitted = {liaison for liaison, *_rest in items}
    yield held - timedelta(days=15, hours=-2)
    for liaison in (
        "yb_liaison",
        "jcy_liaison",
        "ga_liaison",
        "cz_liaison",
        "wj_liaison",
        "sj_liaison",
        "scjg_liaison",
    ):
        if liaison not in submitted:
            services.topics_none(user=_user(liaison), meeting=meeting)
    yield held - timedelta(days=12)
    _agenda(meeting, topics, office)
    _approve(meeting, held)
    yield held - timedelta(days=6)
    _replies(meeting)
    yield held + timedelta(hours=3)
    _record_the_day(office, meeting)
    yield held + timedelta(days=2)
    held_on = timezone.localdate(held)
    _minutes(
        office,
        meeting,
        f"{title}由召集人王建国主持。会议听取了各成员单位工作汇报，研究了"
        + "、".join(item[1].removeprefix("关于").removesuffix("的议题") for item in items)
        + "等议题，议定事项如下。",
        [
            {
                "text": resolution,
                "lead_agency": _agency(lead),
                "cooperating": [_agency(a) for a in cooperating],
                "due_on": _due(t, held_on + timedelta(days=days)),
                "topic": topic,
            }
            for topic, (_l, _t, _b, _p, resolution, lead, cooperating, days, _r) in zip(
                topics, items, strict=True
            )
        ],
        comment=("wj_liaison", "建议明确各成员单位报送落实情况的时间节点。"),
    )
    for resolution, item in zip(meeting.resolutions.order_by("number"), items, strict=True):
        t.add(_carried_out(t, office, title, held_on, resolution, item))


def _carried_out(t, office, title, held_on, resolution, item):
    """A resolution of an earlier meeting: progress half-way, done a week before it is due."""
    liaison, lead, days, done = item[0], item[5], item[7], item[8]
    reported = t.working_day_on_or_before(resolution.due_on - timedelta(days=7))
    yield t.at(t.working_day_on_or_before(held_on + timedelta(days=days // 2)), 10)
    services.resolution_report(
        user=_user(liaison),
        resolution=resolution,
        body="正在按计划推进，已完成阶段性工作。",
        completion=False,
    )
    yield t.at(reported, 15)
    services.resolution_report(
        user=_user(liaison),
        resolution=resolution,
        body=done,
        completion=True,
        files=[
            _paper(
                "落实情况报告.pdf",
                f"关于{title}议定事项第{resolution.number}项落实情况的报告",
                done,
                _agency(lead).name,
            )
        ],
    )
    yield t.at(t.working_days_after(reported, 1), 10)
    services.resolution_verify(user=office, resolution=resolution, accept=True)


# -- the rounds of the present --------------------------------------------------------------


def _last_meeting(t: Timeline, when: Calendar):
    held = when.held[-1]
    office = _user("yb_office")
    yield held - timedelta(days=24)
    past = _call_for_topics(office, _big_case(), held, when.title(timezone.localdate(held)))
    yield held - timedelta(days=12)
    inspection, handover, prices = _topics(past)
    _agenda(past, [inspection, handover, prices], office)
    _approve(past, held, invited={inspection: [_agency("省药监局")]})
    yield held - timedelta(days=6)
    _replies(past, extra=[("yj_liaison", ("attending", "喻晓梅 稽查局副局长"))])
    yield held + timedelta(hours=3)
    _record_the_day(office, past)
    yield held + timedelta(days=2)
    resolutions = _last_minutes(t, office, past, _big_case())
    yield held + timedelta(days=25)
    _follow_up(office, resolutions, _big_case())


def _topics(meeting):
    by_title = {topic.title: topic for topic in meeting.topics.all()}
    return (
        by_title["关于开展定点医疗机构联合专项检查的议题"],
        by_title["关于完善行刑衔接证据移交机制的议题"],
        by_title["关于医药价格监测信息共享的议题"],
    )


def _call_for_topics(office, big_case, held, title):
    past = _call(office, title, held)
    services.topic_submit(
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
    services.topic_submit(
        user=_user("ga_liaison"),
        meeting=past,
        title="关于完善行刑衔接证据移交机制的议题",
        background="部分移送案件证据移交不及时，影响立案审查。",
        proposed_resolution="明确立案后3日内移交涉案物品和材料的交接程序。",
    )
    services.topic_submit(
        user=_user("scjg_liaison"),
        meeting=past,
        title="关于医药价格监测信息共享的议题",
        background="医药价格监测数据与医保结算数据尚未互通。",
    )
    services.topics_none(user=_user("sj_liaison"), meeting=past)
    services.topics_none(user=_user("cz_liaison"), meeting=past)
    return past


def _last_minutes(t, office, past, big_case):
    today = t.today  # the real today: due dates are measured from it
    inspection, handover, prices = _topics(past)
    _minutes(
        office,
        past,
        f"{past.title}由召集人王建国主持。会议听取了各成员单位工作汇报，研究了定点医疗机构联合"
        "专项检查、行刑衔接证据移交和医药价格监测信息共享三项议题。",
        [
            {
                "text": "开展定点医疗机构联合专项检查，年底前完成对二级以上医院的全覆盖检查。",
                "lead_agency": _agency("省医保局"),
                "cooperating": [_agency("省卫生健康委"), _agency("省市场监管厅")],
                "due_on": t.working_day(today + timedelta(days=38)),
                "topic": inspection,
            },
            {
                "text": "制定行刑衔接涉案物品和材料移交工作细则。",
                "lead_agency": _agency("省公安厅"),
                "cooperating": [_agency("省医保局"), _agency("省检察院")],
                # overdue: cron escalates it to 督办
                "due_on": _due(t, today - timedelta(days=10)),
                "topic": handover,
            },
            {
                "text": "建立医药价格监测与医保结算数据共享机制。",
                "lead_agency": _agency("省市场监管厅"),
                "cooperating": [_agency("省医保局")],
                "due_on": _due(t, today - timedelta(days=5)),
                "topic": prices,
            },
            *(
                [
                    {
                        "text": f"{big_case.number}案件各承办单位加快办理，统一涉案金额认定口径，"
                        "按月向联席会议办公室报告进展。",
                        "lead_agency": _agency("省公安厅"),
                        "cooperating": [_agency("省卫生健康委"), _agency("省市场监管厅")],
                        "due_on": t.working_day(today + timedelta(days=20)),
                        "topic": inspection,
                        "case": big_case,
                    }
                ]
                if big_case
                else []
            ),
        ],
        comment=("wj_liaison", "建议在第1项中明确卫健部门负责医疗行为合规性核查。"),
    )
    return list(past.resolutions.order_by("number"))


def _follow_up(office, resolutions, big_case):
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


def _upcoming_meeting(t: Timeline, when: Calendar):
    start = when.upcoming
    office = _user("yb_office")
    yield t.at(t.working_days_ago(10), 10)
    upcoming = services.meeting_open(
        user=office,
        kind="full",
        title=when.title(timezone.localdate(start)),
        topics_due=t.at(t.working_days_ago(3), 17),
    )
    yield t.at(t.working_days_ago(6), 15)
    topic = services.topic_submit(
        user=_user("jcy_liaison"),
        meeting=upcoming,
        title="关于加强医保领域立案监督的议题",
        background="通报今年以来医保领域立案监督情况，研究加强行刑衔接监督的措施。",
        proposed_resolution="建立移送案件立案监督台账，每季度通报。",
    )
    yield t.at(t.working_days_ago(2), 10)
    carried = list(upcoming.topics.filter(carried_over=True))
    _agenda(upcoming, [topic, *carried], office)
    yield t.at(t.working_days_ago(2), 16)
    _approve(upcoming, start, chair="jcy_deputy")
    yield t.at(t.working_days_ago(1), 10)
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


def _collecting_round(t: Timeline, when: Calendar):
    office = _user("yb_office")
    yield t.at(t.working_days_ago(3), 11)
    collecting = services.meeting_open(
        user=office,
        kind="full",
        title=when.title(when.next_round),
        topics_due=t.at(t.working_day(t.today + timedelta(days=20)), 17),
    )
    yield t.at(t.working_days_ago(2), 14)
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
    yield t.at(t.working_days_ago(1), 9, 30)
    services.topic_screen(
        user=office,
        topic=returned,
        action="return",
        note="请补充自查自纠的范围、时间安排和拟请联席会议议定的事项。",
    )
    services.topics_none(user=_user("cz_liaison"), meeting=collecting)


def _consultation(t: Timeline):
    yield t.at(t.working_days_ago(4), 15)
    case = _big_case()
    if case is None:
        return
    office = _user("yb_office")
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
