"""The papers of a referral, composed from the case: the 移送书 (信函格式, GB/T 9704 §10.1) each
receiver gets, and the 回执 the receiver issues when it signs for the material.

Pure functions from the database rows to a `documents.content.DocumentContent`; the services
issue them (documents.services.document_issue). The text is Chinese whatever the reader's
language: it is an official document.

Each receiver's letter speaks to that receiver only: its channel decides the legal basis and
what the receiver is asked to do, and nothing of another receiver's part is in it.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils import timezone

from agencies.models import Agency
from cases.models import Case, Referral, Subject
from documents.content import Attachment, DocumentContent, chinese_date

# --- 大写金额 ----------------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿")
_LIMIT = Decimal("1000000000000")  # 壹万亿: more than any 涉案金额 (cases.models.MAX_AMOUNT)


def amount_in_words(amount: Decimal) -> str:
    """An amount in yuan in 中文大写 as bills and 公文 write it (《正确填写票据和结算凭证的基本
    规定》): 1234567.89 → 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分, 100 → 壹佰元整,
    325.04 → 叁佰贰拾伍元零肆分, 0.5 → 伍角, 0 → 零元整.

    A run of zeros inside the yuan is one 零; a zero 角 before a 分 is written 零; 整 follows an
    amount that ends at the 元. Rounded to the fen; negative amounts and 壹万亿 or more are
    refused (ValueError)."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0 or value >= _LIMIT:
        raise ValueError(f"amount out of range: {amount}")
    yuan = int(value)
    fen_total = int((value - yuan) * 100)
    jiao, fen = divmod(fen_total, 10)

    words = []
    digits = str(yuan)
    zero_pending = False
    for i, ch in enumerate(digits):
        position = len(digits) - 1 - i
        unit, section = position % 4, position // 4
        if ch == "0":
            zero_pending = bool(words)
        else:
            if zero_pending:
                words.append("零")
                zero_pending = False
            words.append(_DIGITS[int(ch)] + _UNITS[unit])
        if unit == 0 and section and int(digits[max(0, i - 3) : i + 1]):
            words.append(_SECTIONS[section])
    text = "".join(words)

    if yuan:
        text += "元"
        if not jiao and not fen:
            return text + "整"
        if jiao:
            text += _DIGITS[jiao] + "角"
        elif fen:
            text += "零"
        if fen:
            text += _DIGITS[fen] + "分"
        return text
    if not jiao and not fen:
        return "零元整"
    return (_DIGITS[jiao] + "角" if jiao else "") + (_DIGITS[fen] + "分" if fen else "")


def amount_in_figures(amount: Decimal) -> str:
    """1234567.89 → 1,234,567.89 (yuan, thousands grouped, to the fen)."""
    return f"{Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


# --- words of the case ------------------------------------------------------------------

SOURCE_WORDS = {
    Case.Source.FLYING_INSPECTION: "飞行检查",
    Case.Source.SPECIAL_RECTIFICATION: "专项整治",
    Case.Source.ROUTINE: "日常监管",
    Case.Source.RANDOM: "“双随机、一公开”检查",
    Case.Source.SMART_MONITORING: "智能监控",
    Case.Source.COMPLAINT: "受理投诉举报",
    Case.Source.AUDIT_FINDING: "审计发现问题核查",
    Case.Source.POLICE_NOTICE: "核查公安机关通报线索",
    Case.Source.CROSS_REGION: "异地就医协查",
    Case.Source.SELF_INSPECTION: "定点医药机构自查自纠核查",
    Case.Source.ASSIGNED: "办理上级交办线索",
    Case.Source.REFERRED_IN: "办理有关单位移送线索",
}

# what the letter is called, by channel
TITLES = {
    Referral.Channel.CRIMINAL: "涉嫌犯罪案件移送书",
    Referral.Channel.ADMINISTRATIVE: "案件移送函",
    Referral.Channel.DISCIPLINE: "问题线索移送函",
}


REPORT_TITLE = "案件调查报告"
EVIDENCE_LIST_TITLE = "证据材料清单"


def referral_evidence(referral: Referral):
    """The evidence that goes with a referral, in the order it is listed and bundled: the
    case's own files and those added for this referral (a supplement, a hand-over, a result),
    not another referral's."""
    return referral.case.evidence.filter(
        models.Q(referral__isnull=True) | models.Q(referral=referral)
    ).order_by("uploaded_at", "pk")


def has_case_papers(referral: Referral) -> bool:
    """A referral from the case's own agency goes with its 案件调查报告 and 证据材料清单 (the
    originating agency investigated and keeps the evidence); 公安's hand-back letter goes with
    the evidence alone."""
    return referral.from_agency_id == referral.case.agency_id


def attachment_titles(referral: Referral) -> list[str]:
    """What goes with the letter, in the order of the bundle: 1. the 案件调查报告 2. the
    证据材料清单 (for a referral from the case's agency) 3… the evidence files the receiver can
    open with it — a letter lists only papers that exist (they are issued with it)."""
    titles = [REPORT_TITLE, EVIDENCE_LIST_TITLE] if has_case_papers(referral) else []
    return titles + [f"证据材料：{e.original_name}" for e in referral_evidence(referral)]


def period_text(case: Case) -> str:
    """违规期间: 2025年3月1日至2026年1月31日 (or from / until one of them; "" if neither)."""
    start, end = case.violation_start, case.violation_end
    if start and end:
        return f"{chinese_date(start)}至{chinese_date(end)}"
    if start:
        return f"{chinese_date(start)}起"
    if end:
        return f"截至{chinese_date(end)}"
    return ""


def team_names(case: Case) -> str:
    """The case team (办案人员) by name, in a stable order."""
    return "、".join(
        member.get_full_name() or member.username for member in case.team.order_by("pk")
    )


def size_text(size: int) -> str:
    """A file size as a list prints it: 812 B, 245.3 KB, 1.2 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def pdf_pages(evidence) -> int | None:
    """How many pages a PDF evidence file has, or None (not a PDF, or unreadable: a list
    says nothing rather than something wrong)."""
    if evidence.extension != "pdf":
        return None
    try:
        from pypdf import PdfReader

        with evidence.file.open("rb") as stored:
            return len(PdfReader(stored, strict=False).pages)
    except Exception:  # noqa: BLE001 — any malformed PDF: no page count
        return None
    finally:
        evidence.file.close()


def subjects_text(subjects) -> str:
    """长春市某医院（统一社会信用代码：12220100412345678X）、张某: organisations with their
    public credit code; people by name only (an ID number is not for a letter the receiver
    holds before it has accepted the case)."""
    parts = []
    for subject in subjects:
        if subject.credit_code and subject.kind in Subject.ORGANISATIONS:
            parts.append(f"{subject.name}（统一社会信用代码：{subject.credit_code}）")
        else:
            parts.append(subject.name)
    return "、".join(parts)


def _legal_basis_and_request(referral: Referral) -> list[str]:
    """The legal basis and what this receiver is asked to do, worded for its channel and kind."""
    to = referral.to_agency
    if referral.channel == Referral.Channel.CRIMINAL:
        paragraphs = [
            "根据《行政执法机关移送涉嫌犯罪案件的规定》（国务院令第310号）、《医疗保障基金使用"
            "监督管理条例》和《国家医疗保障局 公安部关于加强查处骗取医保基金案件行刑衔接工作的"
            "通知》（医保发〔2021〕49号）有关规定，本案涉嫌犯罪，现移送你单位。",
            "请你单位依法审查，自接受案件之日起3日内作出立案或者不予立案的决定，并书面告知我"
            "单位；决定不予立案的，请书面说明理由，并退回案卷材料。",
        ]
        if referral.copy_to_id:
            paragraphs.append(f"本案同时抄送{referral.copy_to.name}，接受立案监督。")
        return paragraphs
    if referral.channel == Referral.Channel.DISCIPLINE:
        return [
            "根据《中华人民共和国监察法》《中华人民共和国监察法实施条例》和《医疗保障基金使用"
            "监督管理条例》有关规定，本案涉及公职人员职务违法犯罪问题线索，现移送你单位。",
            "请你单位按照管理权限依规依纪依法处置，并将处置情况书面反馈我单位。",
        ]
    duties = {
        Agency.Kind.HEALTH: "对涉事医疗机构和医务人员的违法违规行为依法调查处理",
        Agency.Kind.MARKET_REGULATION: "对涉及的价格、药品和医疗器械经营等违法行为依法调查处理",
        Agency.Kind.DRUG_ADMINISTRATION: "对涉及的药品、医疗器械质量安全等问题依法调查处理",
        Agency.Kind.TAX: "对涉及的涉税违法行为依法调查处理",
        Agency.Kind.MEDICAL_INSURANCE: "对涉及的违法使用医疗保障基金行为依法作出行政处理",
    }
    duty = duties.get(to.kind, "按照职责依法调查处理")
    return [
        "根据《医疗保障基金使用监督管理条例》和国家有关部门协同监管的规定，本案涉及事项属你"
        "单位职责范围，现移送你单位。",
        f"请你单位{duty}，并将处理结果书面反馈我单位。",
    ]


def _contact(case: Case, referral: Referral) -> str:
    officer = case.registered_by if referral.from_agency_id == case.agency_id else None
    name = officer.get_full_name() if officer else ""
    phone = (officer.phone if officer else "") or referral.from_agency.phone
    if not name and not phone:
        return ""
    return f"联系人：{name or '—'}；联系电话：{phone or '—'}。"


def referral_letter(referral: Referral) -> DocumentContent:
    """The 移送书 to one receiver, in 信函格式 (the number is set when it is issued)."""
    case = referral.case
    sender = referral.from_agency
    subjects = subjects_text(case.subjects.all())
    violations = "、".join(v.name for v in case.violation_types.all())
    source = SOURCE_WORDS.get(case.source, "监督检查")
    lead = f"{sender.name}在{source}中发现"
    if subjects:
        lead += f"，{subjects}涉嫌{violations or '违法违规使用医疗保障基金'}"
    else:
        lead += f"涉嫌{violations or '违法违规使用医疗保障基金'}的问题"
    paragraphs = [f"{lead}（案件编号：{case.number}）。现将有关情况函告如下。"]
    period = period_text(case)
    if period:
        paragraphs.append(f"违规期间：{period}。")
    found = [line.strip() for line in case.description.splitlines() if line.strip()]
    if found:
        paragraphs.append(f"经查，{found[0]}")
        paragraphs.extend(found[1:])
    paragraphs.append(
        f"本案涉嫌违规金额人民币{amount_in_figures(case.suspected_amount)}元"
        f"（大写：人民币{amount_in_words(case.suspected_amount)}）。"
    )
    # The leader's summary is typed once for every receiver: it is read on each receiver's
    # task page, never pasted into a letter (each letter speaks to its own receiver only).
    paragraphs.extend(_legal_basis_and_request(referral))
    contact = _contact(case, referral)
    if contact:
        paragraphs.append(contact)
    return DocumentContent(
        layout="letter",
        issuer_mark=sender.name,
        number="",
        title=TITLES.get(referral.channel, "案件移送函"),
        body="\n".join(paragraphs),
        issued_on=timezone.localdate(),
        recipients=referral.to_agency.name,
        signature=sender.name,
        attachments=[Attachment(title) for title in attachment_titles(referral)],
        copy_to=referral.copy_to.name if referral.copy_to_id else "",
    )


def receipt(referral: Referral, *, received_on=None) -> DocumentContent:
    """The 回执: what was received (the 移送书 by its number and its attachments) and when."""
    received_on = received_on or timezone.localdate()
    letter = referral.issued_documents().filter(doc_type="referral").first()
    what = f"你单位《{letter.title}》（{letter.number}）" if letter else "你单位移送的案件材料"
    titles = attachment_titles(referral)
    attached = f"及所附{'、'.join(titles)}" if titles else ""
    body = (
        f"{what}{attached}（案件编号：{referral.case.number}），"
        f"我单位已于{chinese_date(received_on)}收到。\n"
        "我单位将依法审查，并在规定期限内作出决定，书面告知你单位。"
    )
    return DocumentContent(
        layout="letter",
        issuer_mark=referral.to_agency.name,
        number="",
        title="关于收到案件移送材料的回执",
        body=body,
        issued_on=timezone.localdate(),
        recipients=referral.from_agency.name,
        signature=referral.to_agency.name,
    )


# --- the attachments of a 移送书 -----------------------------------------------------------


def _annex_note(letter) -> str:
    return f"本件为《{letter.title}》（{letter.number}）的附件"


def investigation_report(referral: Referral, *, letter) -> DocumentContent:
    """附件1 of the 移送书: the 案件调查报告, composed from the case — its basic facts (number,
    source, subjects, period, violation types), how it was investigated and by whom (the
    case team), the findings, the amount in figures and 大写, and the conclusion for this
    receiver. `letter` is the issued 移送书 it goes with."""
    case = referral.case
    sender = referral.from_agency
    subjects = subjects_text(case.subjects.all()) or "（未列明）"
    violations = "、".join(v.name for v in case.violation_types.all())
    basics = [
        f"案件编号：{case.number}。",
        f"案件来源：{SOURCE_WORDS.get(case.source, '监督检查')}。",
        f"涉案主体：{subjects}。",
    ]
    period = period_text(case)
    if period:
        basics.append(f"违规期间：{period}。")
    if violations:
        basics.append(f"涉嫌违规类型：{violations}。")
    team = team_names(case)
    course = f"{case.agency.name}于{chinese_date(timezone.localdate(case.registered_at))}登记本案"
    if case.decided_by_id:
        course += f"，经{case.decided_by.get_full_name()}审批"
    course += f"，由{team}组成办案组开展调查。" if team else "，开展调查。"
    found = [line.strip() for line in case.description.splitlines() if line.strip()]
    paragraphs = ["一、案件基本情况", "".join(basics), "二、调查经过", course, "三、查明的事实"]
    if found:
        paragraphs.append(f"经查，{found[0]}")
        paragraphs.extend(found[1:])
    paragraphs += [
        "四、涉案金额",
        f"本案涉嫌违规金额人民币{amount_in_figures(case.suspected_amount)}元"
        f"（大写：人民币{amount_in_words(case.suspected_amount)}）。",
        "五、调查结论",
        f"经调查，{subjects}涉嫌{violations or '违法违规使用医疗保障基金'}，"
        f"有关证据材料见{EVIDENCE_LIST_TITLE}。建议移送{referral.to_agency.name}依法处理。",
    ]
    # the leader's summary is typed once for every receiver: read on the step, not printed
    paragraphs.append(f"办案人员：{team or '—'}。")
    return DocumentContent(
        layout="attachment",
        issuer_mark=sender.name,
        annex_mark="附件1",
        number="",
        title=REPORT_TITLE,
        body="\n".join(paragraphs),
        issued_on=timezone.localdate(),
        signature=sender.name,
        sealed=False,
        note=_annex_note(letter),
    )


def evidence_list(referral: Referral, *, letter) -> DocumentContent:
    """附件2 of the 移送书: the 证据材料清单 — each evidence file that goes with the letter by
    序号, name, size, pages (PDFs), SHA-256 and who uploaded it when; the receiver checks the
    files it received against it."""
    case = referral.case
    files = list(referral_evidence(referral).select_related("uploaded_by"))
    paragraphs = [
        f"案件编号：{case.number}。以下证据材料随《{letter.title}》（{letter.number}）移送，"
        f"共{len(files)}件。"
        if files
        else f"案件编号：{case.number}。本案未随《{letter.title}》（{letter.number}）"
        "移送电子证据材料。"
    ]
    for number, evidence in enumerate(files, start=1):
        pages = pdf_pages(evidence)
        size = size_text(evidence.size) + (f"，共{pages}页" if pages else "")
        uploader = evidence.uploaded_by.get_full_name() or evidence.uploaded_by.username
        when = chinese_date(timezone.localdate(evidence.uploaded_at))
        line = f"{number}．{evidence.original_name}（{size}）。SHA-256：{evidence.sha256}。"
        if evidence.description:
            line += f"说明：{evidence.description}。"
        paragraphs.append(line + f"{uploader}于{when}上传。")
    paragraphs.append("SHA-256是文件的数字指纹：接收单位可据此核对所收文件与本清单一致。")
    return DocumentContent(
        layout="attachment",
        issuer_mark=referral.from_agency.name,
        annex_mark="附件2",
        number="",
        title=EVIDENCE_LIST_TITLE,
        body="\n".join(paragraphs),
        issued_on=timezone.localdate(),
        signature=referral.from_agency.name,
        sealed=False,
        note=_annex_note(letter),
    )
