"""Demo outgoing documents: issued notices and letters, a draft, and a correction."""

from agencies.models import Agency, User
from documents import services
from documents.models import Dispatch
from documents.types import LETTER_BODY, NOTICE_BODY, REPORT_BODY


def _agencies(*names):
    return list(Agency.objects.filter(short_name__in=names))


MEMBERS = ("省检察院", "省公安厅", "省财政厅", "省卫生健康委", "省审计厅", "省市场监管厅")


def _ensure(*, author: str, title: str, data: dict, issue: bool) -> Dispatch:
    user = User.objects.get(username=author)
    existing = Dispatch.objects.filter(agency=user.agency, title=title, corrects=None).first()
    if existing:
        return existing
    dispatch = services.dispatch_create(agency=user.agency, user=user, data=data | {"title": title})
    if issue:
        services.dispatch_issue(dispatch=dispatch, user=user)
        dispatch.refresh_from_db()
    return dispatch


def seed_documents() -> dict:
    yb_defaults = {
        "issuer_name": "吉林省医疗保障局",
        "recipients_extra": "",
        "cc_agencies": [],
        "cc_extra": "",
        "attachment_titles": "",
        "note": "",
        "printed_by": "吉林省医疗保障局办公室",
        "sealed": True,
    }
    notice = _ensure(
        author="yb_office",
        title="关于召开2026年全省医疗保障基金监管部门联席会议的通知",
        issue=True,
        data=yb_defaults
        | {
            "doc_type": "notice",
            "series_code": "联",
            "to_agencies": _agencies(*MEMBERS),
            "cc_extra": "省政府办公厅",
            "body": NOTICE_BODY.replace("2025", "2026"),
            "attachment_titles": "参会回执\n2025年度全省医疗保障基金监管工作情况",
        },
    )
    _ensure(
        author="yb_office",
        title="关于2026年第一季度全省医疗保障基金监管工作情况的通报",
        issue=True,
        data=yb_defaults
        | {
            "doc_type": "report",
            "series_code": "通",
            "to_agencies": _agencies(*MEMBERS),
            "body": REPORT_BODY.replace("2025", "2026"),
        },
    )
    _ensure(
        author="yb_officer",
        title="关于提供部分参保人员就医结算信息的复函",
        issue=True,
        data=yb_defaults
        | {
            "doc_type": "letter",
            "series_code": "函",
            "to_agencies": _agencies("省审计厅"),
            "body": LETTER_BODY,
            "attachment_titles": "参保人员就医结算明细",
            "printed_by": "",
        },
    )
    _ensure(
        author="yb_office",
        title="关于调整联席会议成员单位联络员的通知（征求意见稿）",
        issue=False,
        data=yb_defaults
        | {
            "doc_type": "notice",
            "series_code": "联",
            "to_agencies": _agencies(*MEMBERS),
            "body": "根据各成员单位报送情况，拟对联席会议联络员进行调整。\n"
            "一、省财政厅联络员调整为秦雪梅同志。\n二、请各成员单位于5个工作日内反馈意见。",
        },
    )
    # a correction of the notice: the meeting room changed
    original = notice.document
    if original and not original.correction_drafts.exists():
        office = User.objects.get(username="yb_office")
        correction = services.dispatch_start_correction(
            document=original, user=office, reason="会议地点由三楼第一会议室调整为五楼多功能厅"
        )
        data = services.dispatch_data(correction)
        data["body"] = data["body"].replace("三楼第一会议室", "五楼多功能厅")
        correction = services.dispatch_update(dispatch=correction, user=office, data=data)
        services.dispatch_issue(dispatch=correction, user=office)
    return {"documents": Dispatch.objects.count()}
