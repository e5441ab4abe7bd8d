"""Eighteen months of ordinary casework behind the storyline cases (demo/cases.py).

About two hundred cases registered from a year and a half ago to a few weeks ago, more of them in
the months of the special rectification campaigns (专项整治: from April, when the national
campaign and the 集中宣传月 start, into the summer, and again in the autumn inspections), from
every source, by 省医保局, 长春市医保局, 省审计厅, 省市场监管厅 and 省卫生健康委. Most are closed —
handled in-house with money recovered and fined, closed as unfounded, or referred (公安, 卫健,
市场监管, 药监, 纪委监委; the others refer to 医保) and closed once every branch reported — and
the recent ones are still being investigated, with progress every few weeks.

What a case is (title, parties, amounts, path) comes from a fixed random seed, so running the
demo again on another day finds the same titles and adds nothing; when its steps happen is
counted back from today.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from demo.steps import (
    accept,
    approve_closing,
    close,
    credit,
    decide,
    handover,
    id_number,
    keep_reporting,
    refer,
    refuse,
    register,
    report,
    respond,
    sign,
    subject,
)
from demo.timeline import Timeline

SEED = 2025_06
COUNT = 190

CITIES = [
    ("长春市", "220100"),
    ("吉林市", "220200"),
    ("四平市", "220300"),
    ("辽源市", "220400"),
    ("通化市", "220500"),
    ("白山市", "220600"),
    ("松原市", "220700"),
    ("白城市", "220800"),
    ("延边州", "222400"),
]
HOSPITALS = [
    ("综合医院", "12", "public_secondary"),
    ("中医医院", "12", "public_secondary"),
    ("人民医院", "12", "public_secondary"),
    ("骨科医院", "52", "private"),
    ("妇产医院", "52", "private"),
    ("口腔医院", "91", "private"),
    ("眼科医院", "91", "private"),
    ("康复医院", "52", "private"),
    ("肿瘤医院", "52", "private"),
    ("社区卫生服务中心", "12", "primary"),
    ("乡镇卫生院", "12", "primary"),
    ("血液透析中心", "91", "private"),
    ("中医门诊部", "92", "private"),
    ("民营医院", "52", "private"),
]
PHARMACIES = ["大药房", "医药连锁有限公司", "平价药店", "中西药房", "医药超市"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜"
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# Campaign months weigh more: the national 专项整治 and 宣传月 from April, summer inspections,
# the autumn 飞行检查. Month numbers 1-12.
MONTH_WEIGHT = {1: 3, 2: 2, 3: 5, 4: 9, 5: 10, 6: 9, 7: 7, 8: 5, 9: 8, 10: 6, 11: 8, 12: 5}

# (source, violations, subject kind, title, description); {who} is the party's name
TEMPLATES = [
    (
        "flying_inspection",
        ["split_admission", "bed_hanging"],
        "hospital",
        "{who}分解住院、挂床住院案",
        "飞行检查发现{who}存在分解住院、挂床住院问题，涉及{n}人次。",
    ),
    (
        "flying_inspection",
        ["fictitious_services", "false_records"],
        "hospital",
        "{who}虚构诊疗服务案",
        "飞行检查发现{who}诊疗记录与实际不符，虚记诊疗项目{n}项次。",
    ),
    (
        "special_rectification",
        ["swap_drugs_supplies"],
        "hospital",
        "{who}串换药品耗材案",
        "专项整治中发现{who}将自费耗材串换为医保目录内耗材结算{n}次。",
    ),
    (
        "special_rectification",
        ["pharmacy_swap", "pharmacy_cashing"],
        "pharmacy",
        "{who}串换药品、帮助套现案",
        "专项整治中发现{who}将日用品串换为药品结算，并帮助参保人套取现金。",
    ),
    (
        "special_rectification",
        ["lowered_admission", "induced_admission"],
        "hospital",
        "{who}降低标准收治住院案",
        "专项整治发现{who}降低入院标准收治轻症患者住院{n}人次。",
    ),
    (
        "smart_monitoring",
        ["duplicate_charge"],
        "hospital",
        "{who}重复收费线索",
        "智能监控规则提示{who}同一项目重复收费{n}次。",
    ),
    (
        "smart_monitoring",
        ["split_charge", "over_standard_charge"],
        "hospital",
        "{who}分解收费、超标准收费线索",
        "智能监控提示{who}检验项目分解收费、护理费超标准收费。",
    ),
    (
        "smart_monitoring",
        ["pharmacy_overdispensing"],
        "pharmacy",
        "{who}超量配药线索",
        "智能监控提示{who}多次超出处方用量为慢特病参保人配药。",
    ),
    (
        "complaint",
        ["card_misuse"],
        "pharmacy",
        "{who}盗刷医保卡案",
        "群众举报{who}盗刷参保人医保卡购买生活用品。",
    ),
    (
        "complaint",
        ["induced_admission"],
        "hospital",
        "{who}诱导住院线索",
        "群众举报{who}以免费接送、减免费用为名诱导参保人住院。",
    ),
    (
        "routine",
        ["over_standard_charge"],
        "hospital",
        "{who}超标准收费案",
        "日常稽核发现{who}部分诊疗项目超标准收费{n}项次。",
    ),
    (
        "random",
        ["swap_item_charge"],
        "hospital",
        "{who}串换诊疗项目线索",
        "双随机抽查发现{who}将普通理疗串换为针灸推拿项目结算。",
    ),
    (
        "police_notice",
        ["drug_resale"],
        "insured",
        "参保人员{who}倒卖医保药品案",
        "公安机关通报：{who}多次超量开具药品后倒卖。",
    ),
    (
        "police_notice",
        ["organised_fraud", "impersonated_admission"],
        "group",
        "{who}虚假住院骗保案",
        "公安机关通报：{who}组织参保人冒名虚假住院，骗取医保基金。",
    ),
    (
        "cross_region",
        ["impersonation"],
        "insured",
        "参保人员{who}冒名异地就医案",
        "异地就医协查发现{who}持他人医保凭证在省外就医结算{n}次。",
    ),
    (
        "cross_region",
        ["card_lending"],
        "insured",
        "参保人员{who}出借医保凭证案",
        "异地就医协查发现{who}将本人医保凭证出借他人使用。",
    ),
    (
        "self_inspection",
        ["over_treatment"],
        "hospital",
        "{who}自查发现过度诊疗问题",
        "{who}自查自纠报告过度检查、过度用药问题，主动退回部分费用。",
    ),
    (
        "assigned",
        ["fictitious_services"],
        "hospital",
        "{who}虚构医疗服务案（上级交办）",
        "国家医保局交办线索：{who}虚构医疗服务骗取医保基金。",
    ),
    (
        "audit_finding",
        ["false_reimbursement"],
        "agency_staff",
        "{who}违规审核报销问题",
        "专项审计发现{who}违规审核报销医疗费用{n}笔。",
    ),
    (
        "routine",
        ["outpatient_pool_misuse"],
        "hospital",
        "{who}违规使用门诊统筹基金线索",
        "日常监管发现{who}违规将门诊统筹基金用于非医疗支出。",
    ),
]
# who registers what, and who decides: (officer, leader, share of the cases)
REGISTRANTS = [
    ("yb_officer", "yb_leader", 30),
    ("yb_officer2", "yb_leader", 26),
    ("ccyb_officer", "ccyb_leader", 20),
    ("sj_officer", "sj_leader", 8),
    ("scjg_officer", "scjg_leader", 9),
    ("wj_officer", "wj_leader", 7),
]
# what each receiver reports: (result, outcomes, share of the amount recovered, fined)
OUTCOMES = {
    "省公安厅": (
        "已侦查终结，移送检察院审查起诉，追缴涉案资金。",
        ("criminal_filing", "prosecution"),
        "0.7",
        "0",
    ),
    "长春市公安局": (
        "已侦查终结，移送检察院审查起诉，追缴涉案资金。",
        ("criminal_filing", "prosecution"),
        "0.7",
        "0",
    ),
    "省卫生健康委": (
        "给予警告并处罚款，对相关医务人员暂停执业活动3个月。",
        ("admin_penalty",),
        "0",
        "0.05",
    ),
    "省市场监管厅": ("没收违法所得并处罚款。", ("admin_penalty", "funds_recovered"), "0.5", "0.5"),
    "省药监局": ("吊销药品经营许可证并处罚款。", ("admin_penalty",), "0", "0.2"),
    "省纪委监委": ("给予相关责任人政务记过处分。", ("government_discipline",), "0", "0"),
    "省医保局": (
        "追回违规基金并处罚款，暂停医保服务协议3个月。",
        ("funds_recovered", "admin_penalty", "agreement_suspended"),
        "0.9",
        "1.8",
    ),
}
PROGRESS = [
    "已完成现场检查，调取相关病历和结算明细。",
    "已约谈相关负责人，正在核对费用明细。",
    "涉案金额正在审核认定，近期将作出处理决定。",
]


@dataclass
class Spec:
    officer: str
    leader: str
    title: str
    source: str
    violations: list
    amount: Decimal
    description: str
    subjects: list
    path: str  # in_house, unfounded, refer
    targets: list = field(default_factory=list)
    refused: bool = False
    month_back: int = 1
    day_share: float = 0.5
    handling_days: list = field(default_factory=list)
    informant: str = ""


def _money(rng, low, high) -> Decimal:
    """Log-uniform between low and high yuan, to the fen."""
    value = Decimal(str(round(low * (high / low) ** rng.random(), 2)))
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _code(rng, n):
    return "".join(rng.choice(CODE_CHARS) for _ in range(n))


def _person_name(rng):
    return rng.choice(SURNAMES) + rng.choice(["某", "某某"])


def _birth_id(rng, region):
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
    return id_number(
        f"{region[:4]}{rng.choice(['02', '03', '04', '21', '22'])}"
        f"{born:%Y%m%d}{rng.randrange(1000):03d}"
    )


def _party(rng, kind, officer, used):
    """A party and its display name, unique among the generated cases."""
    city, region = ("长春市", "220100") if officer == "ccyb_officer" else rng.choice(CITIES)
    if kind == "hospital":
        while True:
            name, prefix, klass = rng.choice(HOSPITALS)
            who = f"{city}某{name}"
            if who not in used:
                break
            city, region = rng.choice(CITIES) if officer != "ccyb_officer" else (city, region)
            if officer == "ccyb_officer" and all(f"{city}某{h[0]}" in used for h in HOSPITALS):
                who = f"{city}某{name}（第{len(used)}分院）"
                break
        code = credit(f"{prefix}{region}{'MB' if prefix == '12' else 'MA'}{_code(rng, 7)}")
        return who, [subject("institution", who, credit_code=code, institution_class=klass)]
    if kind == "pharmacy":
        who = f"{city}某{rng.choice(PHARMACIES)}"
        while who in used:
            who = f"{city}某{rng.choice(PHARMACIES)}（第{rng.randrange(2, 30)}分店）"
        code = credit(f"91{region}MA{_code(rng, 7)}")
        return who, [subject("pharmacy", who, credit_code=code)]
    if kind == "insured":
        who = _person_name(rng)
        while who in used:
            who = _person_name(rng)
        return who, [subject("insured", who, id_no=_birth_id(rng, region))]
    if kind == "agency_staff":
        who = f"{city}某县医保经办机构"
        while who in used:
            who = f"{city}某县（区）医保经办机构第{rng.randrange(2, 9)}经办窗口"
        staff = f"{_person_name(rng)}（{who}审核员）"
        return who, [subject("agency_staff", staff, id_no=_birth_id(rng, region))]
    who = f"{city}{_person_name(rng)}等人团伙"
    while who in used:
        who = f"{city}{_person_name(rng)}等人团伙"
    leader = _person_name(rng)
    return who, [
        subject("group", who, note=f"{leader}等{rng.randrange(3, 12)}人"),
        subject("insured", leader, id_no=_birth_id(rng, region), note="团伙组织者"),
    ]


def _targets(rng, officer, source, kind, amount) -> list[str]:
    """Where a referred case goes: the same level, by what it is about."""
    if officer == "ccyb_officer":
        return ["长春市公安局"]
    if officer in ("sj_officer", "scjg_officer", "wj_officer"):
        return ["省医保局"] + (["省纪委监委"] if kind == "agency_staff" else [])
    if kind in ("insured", "group") or source == "police_notice":
        return ["省公安厅"]
    if kind == "agency_staff":
        return ["省纪委监委"]
    if kind == "pharmacy":
        return rng.choice([["省市场监管厅"], ["省药监局"], ["省市场监管厅", "省药监局"]])
    if amount > Decimal("500000"):
        return rng.choice([["省公安厅", "省卫生健康委"], ["省卫生健康委", "省市场监管厅"]])
    return ["省卫生健康委"]


def specs() -> list[Spec]:
    """The generated cases: the same list every time (a fixed seed)."""
    rng = random.Random(SEED)  # noqa: S311 -- repeatable demo data, not a secret
    used, titles, result = set(), set(), []
    while len(result) < COUNT:
        officer, leader = rng.choices(
            [(o, ldr) for o, ldr, _w in REGISTRANTS], [w for *_x, w in REGISTRANTS]
        )[0]
        if officer == "sj_officer":
            pool = [t for t in TEMPLATES if t[0] == "audit_finding"]
        elif officer == "scjg_officer":
            pool = [
                t
                for t in TEMPLATES
                if t[2] in ("pharmacy", "hospital")
                and t[0] in ("routine", "complaint", "special_rectification")
            ]
        elif officer == "wj_officer":
            pool = [t for t in TEMPLATES if t[2] == "hospital" and t[0] in ("routine", "complaint")]
        else:
            pool = [t for t in TEMPLATES if t[0] != "audit_finding"]
        source, violations, kind, title, description = rng.choice(pool)
        if officer in ("scjg_officer", "wj_officer") and source != "complaint":
            source = "routine"
        who, subjects = _party(rng, kind, officer, used)
        text = title.format(who=who)
        if text in titles or len(text) > 120:
            continue
        used.add(who)
        titles.add(text)
        big = kind in ("group",) or source in ("flying_inspection", "assigned")
        amount = _money(rng, 20000, 5800000) if big else _money(rng, 3000, 900000)
        roll = rng.random()
        # 审计 refers what it finds; 市场监管, 卫健 and a 公安 notice about an insured person are
        # often settled by the agency itself (a penalty, the fund's money recovered)
        if officer == "sj_officer" or kind == "group":
            path = "refer"
        elif officer in ("scjg_officer", "wj_officer") or source == "police_notice":
            path = "refer" if roll < 0.5 else "in_house"
        elif roll < 0.12:
            path = "unfounded"
        elif roll < 0.7:
            path = "in_house"
        else:
            path = "refer"
        spec = Spec(
            officer=officer,
            leader=leader,
            title=text,
            source=source,
            violations=violations,
            amount=amount,
            description=description.format(who=who, n=rng.randrange(6, 240)),
            subjects=subjects,
            path=path,
            targets=_targets(rng, officer, source, kind, amount) if path == "refer" else [],
            refused=False,
            day_share=rng.random(),
            handling_days=[rng.randrange(20, 110) for _ in range(4)],
            informant="实名举报（电话已登记）"
            if source == "complaint" and rng.random() < 0.5
            else "",
        )
        spec.refused = path == "refer" and spec.targets[0].endswith("公安局") and rng.random() < 0.3
        result.append(spec)
    return result


def _months_back(today: date, back: int) -> tuple[date, date]:
    """First and last day of the month `back` months before today's."""
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _spread(t: Timeline, all_specs: list[Spec]) -> None:
    """Give each case its month, two to seventeen months back: every month has a few, the
    campaign months more (counts by weight, largest remainder first)."""
    months = list(range(2, 18))
    weights = [MONTH_WEIGHT[_months_back(t.today, back)[0].month] for back in months]
    spare = len(all_specs) - 2 * len(months)
    shares = [spare * w / sum(weights) for w in weights]
    counts = [2 + int(s) for s in shares]
    by_remainder = sorted(range(len(months)), key=lambda i: int(shares[i]) - shares[i])
    for i in by_remainder[: len(all_specs) - sum(counts)]:
        counts[i] += 1
    backs = [back for back, count in zip(months, counts, strict=True) for _ in range(count)]
    random.Random(SEED + 1).shuffle(backs)  # noqa: S311 -- repeatable demo data
    for spec, back in zip(all_specs, backs, strict=True):
        spec.month_back = back


def _registered_at(t: Timeline, spec: Spec):
    first, last = _months_back(t.today, spec.month_back)
    days = [
        d
        for d in (first + timedelta(n) for n in range((last - first).days + 1))
        if t.is_working_day(d) and d < t.today - timedelta(days=40)
    ]
    if not days:
        days = [t.working_days_ago(30)]
    day = days[min(int(spec.day_share * len(days)), len(days) - 1)]
    minute = int(spec.day_share * 1000) % 50
    return t.at(day, 9 + int(spec.day_share * 70) % 8, minute)


def history_stories(t: Timeline) -> list:
    all_specs = specs()
    _spread(t, all_specs)
    return [_story(t, spec) for spec in all_specs]


def _story(t: Timeline, spec: Spec):
    registered = _registered_at(t, spec)
    yield registered
    case = register(
        spec.officer,
        spec.title,
        source=spec.source,
        violations=spec.violations,
        amount=str(spec.amount),
        description=spec.description,
        subjects=spec.subjects,
        informant=spec.informant,
    )
    if case is None:
        return
    decided = t.later(registered, 1, 9 + spec.handling_days[0] % 7, spec.handling_days[1] % 50)
    yield decided
    end_of_past = t.at(t.today, 0) - timedelta(days=2)
    if spec.path == "unfounded":
        decide(case, spec.leader, "unfounded", "经核查，举报反映的问题查无实据。")
        return
    if spec.path == "in_house":
        decide(case, spec.leader, "in_house", "事实清楚、情节较轻，由本单位依法处理。")
        handled = timedelta(days=spec.handling_days[2] % 75 + 8)  # within its 90 days
        closing = t.at(
            t.working_day_on_or_before(decided.date() + handled), 15, spec.handling_days[3] % 50
        )
        if closing > end_of_past:
            return  # still being handled (within its 90 days)
        yield closing
        recovered = (spec.amount * Decimal("0.8")).quantize(Decimal("0.01"))
        close(
            case,
            spec.officer,
            "已追回违规费用，依法作出行政处罚，责令整改。",
            recovered=str(recovered),
            fines=str(recovered * 2 if recovered < Decimal("500000") else recovered),
            step="handle_in_house",
        )
        yield from approve_closing(t, case)
        return
    branches = refer(case, spec.leader, spec.targets, "请依职责依法查处，并将处理结果反馈我单位。")
    ends = []
    for n, name in enumerate(spec.targets):
        end = decided + timedelta(days=spec.handling_days[n % 4] + 10 * n)
        if spec.refused and branches[name].channel == "criminal":
            end = t.later(decided, 4, 9, 0)  # refused, and the refusal accepted, by then
        ends.append(end)
        t.add(_branch(t, spec, case, branches[name], decided, end, end_of_past))
    closing = t.later(max(ends), 3 + spec.handling_days[0] % 5, 10, 30)
    if max(ends) > end_of_past or closing > end_of_past:
        return  # a branch is still investigating, or the case is about to be closed
    yield closing
    own = spec.officer in ("yb_officer", "yb_officer2", "ccyb_officer") and not any(
        OUTCOMES[name][2] != "0" for name in spec.targets
    )
    close(
        case,
        spec.officer,
        "各承办单位均已反馈处理结果，本单位依法追回违规基金，结案。"
        if own
        else "各承办单位均已反馈处理结果，结案。",
        recovered=_share(spec.amount, "0.8") if own else "0",
        fines=_share(spec.amount, "0.8") if own else "0",
    )
    yield from approve_closing(t, case)


def _branch(t, spec, case, referral, decided, end, end_of_past):
    signed = t.later(decided, spec.handling_days[1] % 2, 14, 20)
    yield signed
    sign(case, referral)
    criminal = referral.channel == "criminal"
    decided_on = t.later(signed, 1, 10, 15)
    yield decided_on
    if spec.refused and criminal:
        refuse(case, referral, "经审查，涉案金额未达立案追诉标准，不予立案。")
        yield t.later(decided_on, 1, 9, 45)
        respond(case, referral, "accept")
        return
    accept(case, referral, "已立案" if criminal else "符合受理条件，已受理")
    moment = decided_on
    if criminal:
        moment = t.later(decided_on, 1, 15, 0)
        yield moment
        handover(case, referral, "移交涉案票据、结算明细及询问笔录。")
    until = min(end, end_of_past)
    last = yield from keep_reporting(t, case, referral, moment, PROGRESS, until=until)
    if end > end_of_past:
        return
    reported = t.at(t.working_day_on_or_before(timezone.localdate(end)), 16, 0)
    if reported <= last:
        reported = t.later(last, 1, 16, 0)
    yield reported
    text, outcomes, recovered, fined = OUTCOMES[referral.to_agency.short_name]
    report(
        case,
        referral,
        text,
        _share(spec.amount, recovered),
        _share(spec.amount, fined),
        outcomes=outcomes,
    )


def _share(amount: Decimal, share: str) -> str:
    """A share of the amount in whole yuan. (Whole yuan because on SQLite the case's totals,
    summed over its referrals by case_close, come back with float digits for fen amounts and
    fail the 14-digit check.)"""
    whole = (amount * Decimal(share)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return f"{whole}.00"
