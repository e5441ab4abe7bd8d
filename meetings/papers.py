"""What the joint meeting's official documents say: pure functions from a meeting (or a period's
figures) to the DocumentContent that documents.services.document_issue numbers, renders and
freezes. All of them go out under the lead agency's seal on behalf of the office (代章), but
the minutes, which are not sealed (GB/T 9704 纪要).

Everything here is built from text users typed; DocumentContent cleans it, and the renderer
escapes it, so nothing reaches the PDF as markup.
"""

import base64
from decimal import Decimal

from django.utils import timezone

from documents.content import SVG_DATA_URL, DocumentContent, Figure, chinese_date
from meetings.models import Meeting, Participant, Topic


def _moment(value) -> str:
    local = timezone.localtime(value)
    return f"{chinese_date(local.date())}{local:%H:%M}"


def _office(meeting_or_body) -> str:
    body = getattr(meeting_or_body, "body", meeting_or_body)
    return f"{body.name}办公室"


def _to_members(body, title: str, lines: list[str]) -> DocumentContent:
    """A 文件 of the lead agency to every member unit, signed by the office under the lead
    agency's seal (代章)."""
    return DocumentContent(
        layout="standard",
        issuer_mark=f"{body.lead_agency.name}文件",
        number="",
        title=title,
        body="\n".join(lines),
        issued_on=timezone.localdate(),
        recipients="联席会议各成员单位",
        signature=f"{_office(body)}（代章）",
        seal_text=body.lead_agency.name,
        printed_by=_office(body),
    )


def agenda_topics(meeting: Meeting):
    return (
        meeting.topics.filter(status=Topic.Status.ACCEPTED)
        .select_related("agency")
        .prefetch_related("invited")
        .order_by("order", "pk")
    )


def agenda_lines(topics) -> list[str]:
    lines = []
    for index, topic in enumerate(topics, start=1):
        line = f"{index}. {topic.title}（{topic.agency.name}汇报，{topic.minutes or 0}分钟）"
        invited = "、".join(a.name for a in topic.invited.all())
        if invited:
            line += f"；列席：{invited}"
        lines.append(line)
    return lines


NUMERALS = "一二三四五六七八九十"


def _sections(items: list[str]) -> list[str]:
    """一、二、三、… headings (GB/T 9704 first-level numbering)."""
    return [f"{NUMERALS[i]}、{text}" for i, text in enumerate(items)]


def _schedule(meeting: Meeting) -> list[str]:
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    place = meeting.place or meeting.get_form_display()
    items = [
        f"会议时间：{chinese_date(start.date())}{start:%H:%M}—{end:%H:%M}",
        f"会议地点：{place}（{meeting.get_form_display()}）",
    ]
    if meeting.chair_id:
        items.append(f"会议主持：{meeting.chair.get_full_name()}")
    return items


def notice_content(meeting: Meeting) -> DocumentContent:
    """会议通知 to every unit taking part, with the whole agenda."""
    body = meeting.body
    start = timezone.localtime(meeting.starts_at)
    units = "、".join(
        p.agency.name
        for p in meeting.participants.select_related("agency").filter(items_only=False)
    )
    sections = _sections(
        [
            *_schedule(meeting),
            f"参会单位：{units}",
            "会议议题：",
            f"参会回执：请各单位于{_moment(meeting.rsvp_due)}前通过协同平台报送参会回执"
            "（参会人员、代为参会人员或请假事由）。",
        ]
    )
    lines = [
        f"经联席会议召集人同意，定于{chinese_date(start.date())}召开{meeting.title}。"
        "现将有关事项通知如下：",
        *sections[:-1],
        *agenda_lines(agenda_topics(meeting)),
        sections[-1],
    ]
    return _to_members(body, f"关于召开{meeting.title}的通知", lines)


def invitation_content(participant: Participant) -> DocumentContent:
    """列席邀请函 to a unit invited for some items: the time and place, and only its items."""
    meeting = participant.meeting
    topics = [t for t in agenda_topics(meeting) if participant.agency in t.invited.all()]
    sections = _sections(
        [
            "列席议题：",
            *_schedule(meeting),
            f"列席回执：请于{_moment(meeting.rsvp_due)}前通过协同平台报送列席人员。",
        ]
    )
    lines = [
        f"{meeting.body.name}定于{_moment(meeting.starts_at)}召开{meeting.title}，"
        "现邀请贵单位派员列席。有关事项函告如下：",
        sections[0],
        *[f"{i}. {t.title}（{t.agency.name}汇报）" for i, t in enumerate(topics, start=1)],
        *sections[1:],
    ]
    return DocumentContent(
        layout="letter",
        issuer_mark=meeting.body.lead_agency.name,
        number="",
        title=f"关于邀请列席{meeting.title}的函",
        body="\n".join(lines),
        issued_on=timezone.localdate(),
        recipients=participant.agency.name,
        signature=f"{_office(meeting)}（代章）",
        seal_text=meeting.body.lead_agency.name,
    )


def _names(participants, value) -> str:
    return "、".join(p.agency.name for p in participants if p.attendance == value)


def minutes_content(meeting: Meeting) -> DocumentContent:
    """纪要: the minutes, the resolutions (text, lead and cooperating units, due date), and the
    出席 / 请假 / 列席 lists."""
    participants = list(meeting.participants.select_related("agency"))
    lines = [meeting.minutes_text, "会议议定以下事项："]
    for resolution in meeting.resolutions.select_related("lead_agency").prefetch_related(
        "cooperating"
    ):
        cooperating = "、".join(a.name for a in resolution.cooperating.all())
        lines.append(
            f"{resolution.number}. {resolution.text}（牵头单位：{resolution.lead_agency.name}"
            + (f"；配合单位：{cooperating}" if cooperating else "")
            + f"；完成时限：{chinese_date(resolution.due_on)}）"
        )
    start = timezone.localtime(meeting.starts_at)
    place = meeting.place or meeting.get_form_display()
    note = f"会议时间：{chinese_date(start.date())}；地点：{place}"
    if meeting.chair_id:
        note += f"；主持：{meeting.chair.get_full_name()}"
    return DocumentContent(
        layout="minutes",
        issuer_mark=f"{meeting.body.name}纪要",
        number="",
        title=f"{meeting.title}纪要",
        body="\n".join(lines),
        issued_on=timezone.localdate(),
        sealed=False,
        attendees=_names(participants, Participant.Attendance.PRESENT),
        absentees=_names(participants, Participant.Attendance.ABSENT),
        observers=_names(participants, Participant.Attendance.OBSERVER),
        printed_by=_office(meeting),
        note=note,
    )


def _year_on_year(figures: dict) -> str:
    """与去年同期相比: the changes of the figures that had a base a year earlier."""
    year_ago = figures.get("year_ago") or {}
    parts = []
    for key, what in (
        ("registered", "登记线索"),
        ("referrals", "移送线索"),
        ("recovered", "追回医保基金"),
    ):
        base = year_ago.get("referred" if key == "referrals" else key)
        if base:
            change = (Decimal(figures[key]) - Decimal(base)) * 100 / Decimal(base)
            change = change.quantize(Decimal("0.1"))
            word = "增长" if change > 0 else "下降" if change < 0 else "持平"
            parts.append(f"{what}{word}{abs(change)}%" if change else f"{what}持平")
    return f"与去年同期相比，{'，'.join(parts)}。" if parts else ""


def work_report_content(body, start, end, figures: dict) -> DocumentContent:
    """情况通报 for the leaders and the member units, from the statistics' figures
    (meetings.services.work_report_figures)."""
    resolutions = figures["resolutions_done"] + figures["resolutions_open"]
    lines = [
        f"{chinese_date(start)}至{chinese_date(end)}，各成员单位共登记医保基金监管案件线索"
        f"{figures['registered']}件，共移送医保基金监管案件线索{figures['referrals']}件，"
        f"追回医保基金{figures['recovered']}元，罚款{figures['fines']}元；"
        f"召开联席会议{figures['meetings']}次，形成议定事项{resolutions}项，"
        f"已办结{figures['resolutions_done']}项，正在落实{figures['resolutions_open']}项。",
    ]
    compared = _year_on_year(figures)
    if compared:
        lines.append(compared)
    lines.append("一、各单位接收移送案件情况")
    for row in figures["per_agency"]:
        lines.append(
            f"{row['to_agency__name']}：接收{row['sent']}件，办结{row['finished']}件，"
            f"追回{row['recovered']}元，罚款{row['fines']}元。"
        )
    if not figures["per_agency"]:
        lines.append("本期无移送案件。")
    # the closing paragraph holds four lines or more, so that it alone stays with the
    # signature (documents.content: TAIL_LINES) and the charts stand after the heading above
    charts = figures.get("charts") or ()
    if charts:
        lines.append(f"二、统计图表。本期统计图见图1至图{len(charts)}。")
    lines.append(
        f"{'三' if charts else '二'}、下一步工作。各成员单位要按照联席会议议定事项抓好落实，"
        "按时反馈办理情况；对超期未办结的移送案件加强督办，做到应移尽移、应收尽收，"
        "推动医保基金监管协同工作常态化，落实情况在下期通报中报告。"
    )
    title = f"关于{chinese_date(start)}至{chinese_date(end)}医保基金监管协同工作情况的通报"
    content = _to_members(body, title, lines)
    content.figures = [
        Figure(title=caption, src=SVG_DATA_URL + base64.b64encode(svg).decode("ascii"))
        for caption, svg in charts
    ]
    return content


def unit_report_content(agency, start, end, figures: dict) -> DocumentContent:
    """A member unit's own 情况通报 to the joint-meeting office, from the statistics' figures
    as the unit sees them (meetings.services.work_report_figures with the unit's scope)."""
    period = f"{chinese_date(start)}至{chinese_date(end)}"
    lines = [
        f"{period}，本单位办理的医保基金监管案件线索中，登记{figures['registered']}件，"
        f"移送{figures['referrals']}件，追回医保基金{figures['recovered']}元，"
        f"罚款{figures['fines']}元。",
    ]
    compared = _year_on_year(figures)
    if compared:
        lines.append(compared)
    lines.append("一、移送和接收案件情况")
    for row in figures["per_agency"]:
        lines.append(
            f"{row['to_agency__name']}：接收{row['sent']}件，办结{row['finished']}件，"
            f"追回{row['recovered']}元，罚款{row['fines']}元。"
        )
    if not figures["per_agency"]:
        lines.append("本期无移送案件。")
    charts = figures.get("charts") or ()
    if charts:
        lines.append(f"二、统计图表。本期统计图见图1至图{len(charts)}。")
    lines.append(
        f"{'三' if charts else '二'}、下一步工作。本单位将按照联席会议议定事项抓好落实，"
        "对超期未办结的案件加强督办，做到应移尽移、应收尽收，"
        "按时向联席会议办公室报送办理情况，落实情况在下期通报中报告。"
    )
    content = DocumentContent(
        layout="standard",
        issuer_mark=f"{agency.name}文件",
        number="",
        title=f"关于{period}{agency.name}医保基金监管协同工作情况的通报",
        body="\n".join(lines),
        issued_on=timezone.localdate(),
        recipients="联席会议办公室",
        signature=agency.name,
        seal_text=agency.name,
        printed_by=f"{agency.name}办公室",
    )
    content.figures = [
        Figure(title=caption, src=SVG_DATA_URL + base64.b64encode(svg).decode("ascii"))
        for caption, svg in charts
    ]
    return content
