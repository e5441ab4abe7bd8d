"""The kinds of official document Xietong issues, each with its layout, number series and a
sample used by the preview page and `manage.py render_samples`.

Adding a type: add a DocumentType here (see CONTRIBUTING.md). Later issues register the
documents their flows issue (referral letters, receipts, meeting notices, minutes).
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from documents.content import Attachment, DocumentContent


@dataclass(frozen=True)
class DocumentType:
    code: str
    label: Promise
    layout: str  # standard | letter | minutes | attachment
    series: str  # default series code: 联 in 吉医保联〔2025〕3号
    mark_suffix: str  # the issuer mark is the agency name + this, e.g. 文件 / 纪要
    sealed: bool = True

    def issuer_mark(self, issuer_name: str) -> str:
        return f"{issuer_name}{self.mark_suffix}"


NOTICE = DocumentType("notice", _("Notice (通知)"), "standard", "联", "文件")
REPORT = DocumentType("report", _("Work report (情况通报)"), "standard", "通", "文件")
REFERRAL = DocumentType("referral", _("Referral letter (移送书)"), "letter", "移", "")
LETTER = DocumentType("letter", _("Letter (函)"), "letter", "函", "")
RECEIPT = DocumentType("receipt", _("Receipt (回执)"), "letter", "回", "")
MINUTES = DocumentType("minutes", _("Minutes (纪要)"), "minutes", "纪", "纪要", sealed=False)
# the attachments of a 移送书: registered in series of their own (the archive's number), but
# an attachment prints no number — it goes with the letter, whose number its note gives
INVESTIGATION = DocumentType(
    "investigation",
    _("Case investigation report (案件调查报告)"),
    "attachment",
    "调",
    "",
    sealed=False,
)
EVIDENCE_LIST = DocumentType(
    "evidence_list", _("Evidence list (证据材料清单)"), "attachment", "证", "", sealed=False
)

TYPES: dict[str, DocumentType] = {
    t.code: t
    for t in (NOTICE, REPORT, REFERRAL, LETTER, RECEIPT, MINUTES, INVESTIGATION, EVIDENCE_LIST)
}
CHOICES = [(t.code, t.label) for t in TYPES.values()]


def get_type(code: str) -> DocumentType:
    return TYPES[code]


# --- samples: realistic content for the layout preview -------------------------------------

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


def _sample(name: str) -> str:
    return (SAMPLES_DIR / f"{name}.txt").read_text(encoding="utf-8").strip()


SAMPLE_DATE = date(2025, 3, 5)
JOINT_MEETING = "吉林省医疗保障基金监管部门联席会议"
YB = "吉林省医疗保障局"
MEMBERS = "省人民检察院，省公安厅，省财政厅，省卫生健康委，省审计厅，省市场监管厅"

NOTICE_BODY = _sample("notice")

REPORT_BODY = _sample("report")

REFERRAL_BODY = _sample("referral")

LETTER_BODY = _sample("letter")

RECEIPT_BODY = _sample("receipt")

MINUTES_BODY = _sample("minutes")

INVESTIGATION_BODY = _sample("investigation")

EVIDENCE_LIST_BODY = _sample("evidence_list")


def sample_content(code: str) -> DocumentContent:
    """Sample content of a type, filled as a real document would be (number included)."""
    t = get_type(code)
    common = {
        "layout": t.layout,
        "issued_on": SAMPLE_DATE,
        "sealed": t.sealed,
        "number": f"吉医保{t.series}〔2025〕3号",
    }
    if code == "notice":
        return DocumentContent(
            **common,
            issuer_mark=t.issuer_mark(YB),
            title="关于召开2025年全省医疗保障基金监管部门联席会议的通知",
            recipients=MEMBERS,
            body=NOTICE_BODY,
            attachments=[
                Attachment("参会回执"),
                Attachment("2024年度全省医疗保障基金监管工作情况"),
            ],
            signature=YB,
            note="此件公开发布",
            copy_to="省政府办公厅，国家医疗保障局基金监管司",
            printed_by="吉林省医疗保障局办公室",
        )
    if code == "report":
        return DocumentContent(
            **common,
            issuer_mark=t.issuer_mark(YB),
            title="关于2025年第一季度全省医疗保障基金监管工作情况的通报",
            recipients="各成员单位",
            body=REPORT_BODY,
            signature=YB,
            copy_to="省政府办公厅",
            printed_by="吉林省医疗保障局办公室",
        )
    if code == "referral":
        return DocumentContent(
            **common,
            issuer_mark=t.issuer_mark(YB),
            title="涉嫌犯罪案件移送书",
            recipients="吉林省公安厅",
            body=REFERRAL_BODY,
            attachments=[
                Attachment("案件调查报告"),
                Attachment("涉案物品清单"),
                Attachment("有关检验报告及证据材料目录"),
            ],
            signature=YB,
            copy_to="吉林省人民检察院",
            printed_by="吉林省医疗保障局办公室",
        )
    if code == "letter":
        return DocumentContent(
            **common,
            issuer_mark=YB,
            title="关于提供部分参保人员就医结算信息的复函",
            recipients="吉林省审计厅",
            body=LETTER_BODY,
            attachments=[Attachment("参保人员就医结算明细")],
            signature=YB,
            copy_to="省医疗保障局基金监管处",
        )
    if code == "receipt":
        return DocumentContent(
            **(common | {"number": "吉公回〔2025〕12号"}),
            issuer_mark="吉林省公安厅",
            title="关于收到涉嫌犯罪案件移送材料的回执",
            recipients="吉林省医疗保障局",
            body=RECEIPT_BODY,
            signature="吉林省公安厅",
        )
    if code == "minutes":
        return DocumentContent(
            **common,
            issuer_mark=t.issuer_mark(JOINT_MEETING),
            title="全省医疗保障基金监管部门联席会议纪要",
            body=MINUTES_BODY,
            signature="吉林省医疗保障基金监管部门联席会议办公室",
            attendees="王建国（省医疗保障局）、周振华（省人民检察院）、褚卫东（省公安厅）、"
            "许德明（省卫生健康委）、张伟民（省审计厅）、华振宇（省市场监管厅）",
            absentees="杨秀英（省财政厅，出差）",
            observers="喻晓梅（省药品监督管理局）、戚文静（省纪委监委）",
            copy_to="各成员单位",
            printed_by="吉林省医疗保障基金监管部门联席会议办公室",
        )
    if code in ("investigation", "evidence_list"):
        return DocumentContent(
            **common,
            issuer_mark=YB,
            annex_mark="附件1" if code == "investigation" else "附件2",
            title="案件调查报告" if code == "investigation" else "证据材料清单",
            body=INVESTIGATION_BODY if code == "investigation" else EVIDENCE_LIST_BODY,
            signature=YB,
            note="本件为《涉嫌犯罪案件移送书》（吉医保移〔2025〕3号）的附件",
        )
    raise KeyError(code)
