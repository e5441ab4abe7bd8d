"""Demo outgoing documents in every state of their 稿纸: issued notices and letters (drafted,
checked and signed — the joint-meeting office's by the convenor, the bureau's by its leader),
a draft, one awaiting 核稿, one awaiting 签发 (yb_leader's), one returned with an opinion, and a
correction that went the same way."""

from agencies.models import Agency, User
from documents import services
from documents.models import Dispatch
from documents.types import LETTER_BODY, NOTICE_BODY, REPORT_BODY


def _agencies(*names):
    return list(Agency.objects.filter(short_name__in=names))


MEMBERS = ("省检察院", "省公安厅", "省财政厅", "省卫生健康委", "省审计厅", "省市场监管厅")


def _person(username: str) -> User:
    return User.objects.get(username=username)


def _checker_signer(dispatch: Dispatch) -> tuple[str, str]:
    if dispatch.joint_meeting:
        return "yb_office2", "yb_convenor"  # the office checks, the convenor signs
    return "yb_liaison", "yb_leader"  # 基金监管处处长 checks, the deputy director signs


# how far each demo dispatch goes: None (a draft), "submitted", "checked", "returned", "issued"
def walk(dispatch: Dispatch, to: str | None, *, check_opinion: str = "", sign_opinion: str = ""):
    """Take a new draft along its 稿纸 as the demo people would."""
    if to is None:
        return dispatch
    checker, signer = _checker_signer(dispatch)
    services.dispatch_submit(dispatch=dispatch, user=dispatch.created_by)
    if to == "returned":
        services.dispatch_check(
            dispatch=dispatch, user=_person(checker), approve=False, opinion=check_opinion
        )
    elif to in ("checked", "issued"):
        services.dispatch_check(
            dispatch=dispatch, user=_person(checker), approve=True, opinion=check_opinion
        )
    if to == "issued":
        services.dispatch_sign(
            dispatch=dispatch, user=_person(signer), approve=True, opinion=sign_opinion
        )
    dispatch.refresh_from_db()
    return dispatch


def _ensure(*, author: str, title: str, data: dict, to: str | None, **opinions) -> Dispatch:
    user = _person(author)
    existing = Dispatch.objects.filter(agency=user.agency, title=title, corrects=None).first()
    if existing:
        return existing
    dispatch = services.dispatch_create(agency=user.agency, user=user, data=data | {"title": title})
    return walk(dispatch, to, **opinions)


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
        to="issued",
        check_opinion="会议时间、地点已与各成员单位核实。",
        sign_opinion="同意印发。",
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
        to="issued",
        check_opinion="数据已与各成员单位报送情况核对。",
        sign_opinion="同意。",
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
        to="issued",
        check_opinion="附件清单与来函要求一致。",
        sign_opinion="同意发出。",
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
        to=None,
        data=yb_defaults
        | {
            "doc_type": "notice",
            "series_code": "联",
            "to_agencies": _agencies(*MEMBERS),
            "body": "根据各成员单位报送情况，拟对联席会议联络员进行调整。\n"
            "一、省财政厅联络员调整为秦雪梅同志。\n二、请各成员单位于5个工作日内反馈意见。",
        },
    )
    letter = yb_defaults | {"doc_type": "letter", "series_code": "函", "printed_by": ""}
    _ensure(
        author="yb_officer2",
        title="关于商请提供定点医药机构处罚信息的函",
        to="submitted",
        data=letter
        | {
            "to_agencies": _agencies("省市场监管厅"),
            "body": "为做好医疗保障基金监管信用评价工作，请贵厅提供2025年度对本省定点医药机构"
            "作出的行政处罚信息。\n请于15个工作日内函复。",
        },
    )
    _ensure(
        author="yb_officer",
        title="关于商请协助核查异常就医结算数据的函",
        to="checked",
        check_opinion="文字已核，请领导签发。",
        data=letter
        | {
            "to_agencies": _agencies("省卫生健康委"),
            "body": "我局在日常监测中发现部分定点医疗机构存在异常结算数据，"
            "现商请贵委协助核查相关诊疗记录。\n核查结果请于20个工作日内反馈。",
            "attachment_titles": "异常结算数据清单",
        },
    )
    _ensure(
        author="yb_officer",
        title="关于通报2026年第一批欺诈骗保典型案例的函",
        to="returned",
        check_opinion="案例涉及的当事人姓名须作隐名处理；主送单位缺省公安厅，请补充后再送核稿。",
        data=letter
        | {
            "to_agencies": _agencies("省卫生健康委"),
            "body": "现将2026年第一批欺诈骗保典型案例通报如下，请结合工作实际做好警示教育。",
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
        walk(correction, "issued", check_opinion="已核对新会场。", sign_opinion="同意更正。")
    return {"documents": Dispatch.objects.count()}
