"""Demo cases in realistic states: fresh clues, 一案多查 with branches at different steps, a
return for supplement, a refusal, a 纪委监委 referral, in-house and closed cases."""

from decimal import Decimal

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from agencies.models import Agency, Role, User
from cases import services
from cases.models import Case, ViolationType
from cases.validators import credit_code_check_char, id_number_check_char


def credit(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def id_number(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _agency(short: str) -> Agency:
    return Agency.objects.get(short_name=short)


def _task(case: Case, name: str, referral=None):
    for task in Task.objects.filter(
        process__caseprocess__case=case, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ):
        if task.flow_task.name == name and (
            referral is None or task.data.get("referral_id") == referral.pk
        ):
            return task
    raise LookupError(name)


def _person(agency: Agency, role: Role) -> User:
    return agency.people.filter(role_grants__role=role).order_by("username").first()


def _register(
    officer: str,
    title: str,
    *,
    source: str,
    violations: list[str],
    amount: str,
    description: str,
    subjects: list[dict],
    informant: str = "",
) -> Case | None:
    """Register a case unless it exists; None when it already existed (steps already run)."""
    user = _user(officer)
    if Case.objects.filter(agency=user.agency, title=title).exists():
        return None
    return services.case_register(
        user=user,
        files=[],
        subjects=subjects,
        data={
            "title": title,
            "source": source,
            "suspected_amount": Decimal(amount),
            "violation_types": list(ViolationType.objects.filter(code__in=violations)),
            "description": description,
            "confidentiality": "internal",
            "informant": informant,
        },
    )


def _refer(case: Case, leader: str, agencies: list[str], summary: str):
    from cases.forms import channel_for

    services.case_decide(
        task=_task(case, "approve"),
        user=_user(leader),
        decision="refer",
        referrals=[
            {"to_agency": _agency(a), "channel": channel_for(_agency(a)), "summary": summary}
            for a in agencies
        ],
    )
    return {r.to_agency.short_name: r for r in case.referrals.select_related("to_agency")}


def _sign(case, referral):
    services.referral_receive(
        task=_task(case, "receive", referral),
        action="sign",
        user=_person(referral.to_agency, Role.LIAISON),
    )


def _accept(case, referral, reason="符合受理条件，已立案"):
    services.referral_decide(
        task=_task(case, "decide", referral),
        accept=True,
        reason=reason,
        user=_person(referral.to_agency, Role.LIAISON),
    )


def _report(case, referral, outcome, recovered, fines):
    services.referral_report(
        task=_task(case, "report", referral),
        outcome=outcome,
        recovered=Decimal(recovered),
        fines=Decimal(fines),
        files=[],
        user=_person(referral.to_agency, Role.CASE_OFFICER),
    )


HOSPITAL = {
    "kind": "institution",
    "name": "长春市某综合医院",
    "institution_class": "public_secondary",
    "credit_code": credit("12220100MB1830254"),
    "id_number": "",
    "note": "",
}


def seed_cases() -> dict:
    # 1. a fresh clue awaiting the leader's decision
    _register(
        "yb_officer2",
        "某大药房串换药品、超量配药线索",
        source="smart_monitoring",
        violations=["pharmacy_swap", "pharmacy_overdispensing"],
        amount="186420.00",
        description="智能监控规则提示该药房2025年第三季度多次将保健品串换为医保药品结算。",
        subjects=[
            {
                "kind": "pharmacy",
                "name": "长春市某大药房连锁有限公司",
                "credit_code": credit("91220101MA0Y7K3P1"),
                "id_number": "",
                "institution_class": "",
                "note": "",
            }
        ],
    )

    # 2. 一案多查: 公安 investigating, 卫健 finished, 市场监管 not yet signed
    case = _register(
        "yb_officer",
        "长春市某综合医院分解住院、虚构医疗服务案（一案多查）",
        source="flying_inspection",
        violations=["split_admission", "fictitious_services", "bed_hanging"],
        amount="3862700.50",
        subjects=[
            HOSPITAL,
            {
                "kind": "staff",
                "name": "王某某（该院医保办主任）",
                "credit_code": "",
                "id_number": id_number("22010219750312003"),
                "institution_class": "",
                "note": "",
            },
        ],
        description="国家飞行检查发现该院2023年1月至2024年6月存在分解住院、挂床住院、虚构医疗服务等"
        "问题，涉嫌骗取医保基金。",
    )
    if case:
        branches = _refer(
            case,
            "yb_leader",
            ["省公安厅", "省卫生健康委", "省市场监管厅"],
            "经飞行检查，该院涉嫌分解住院、虚构医疗服务骗取医保基金，请依法处理。",
        )
        _sign(case, branches["省公安厅"])
        _accept(case, branches["省公安厅"], "已立案侦查")
        _sign(case, branches["省卫生健康委"])
        _accept(case, branches["省卫生健康委"])
        _report(
            case,
            branches["省卫生健康委"],
            "对该院给予警告，对相关医务人员暂停执业6个月。",
            "0",
            "200000.00",
        )

    # 3. returned for supplement
    case = _register(
        "yb_officer",
        "某民营医院诱导住院案",
        source="complaint",
        violations=["induced_admission"],
        amount="528000.00",
        informant="匿名举报（来电，号码已登记）",
        subjects=[
            {
                "kind": "institution",
                "name": "长春市某民营医院",
                "credit_code": credit("91220104MA17QH6K2"),
                "id_number": "",
                "institution_class": "private",
                "note": "",
            }
        ],
        description="群众举报该院以免费体检、返还现金方式诱导参保人住院。",
    )
    if case:
        branches = _refer(case, "yb_leader", ["省卫生健康委"], "请核查该院诱导住院问题。")
        services.referral_receive(
            task=_task(case, "receive", branches["省卫生健康委"]),
            action="return",
            reason="请补充住院病历抽查记录和参保人询问笔录。",
            user=_person(_agency("省卫生健康委"), Role.LIAISON),
        )

    # 4. refused with reasons
    case = _register(
        "yb_officer2",
        "参保人员冒名就医线索",
        source="cross_region",
        violations=["impersonation"],
        amount="42600.00",
        subjects=[
            {
                "kind": "insured",
                "name": "李某",
                "id_number": id_number("22010319880521004"),
                "credit_code": "",
                "institution_class": "",
                "note": "",
            }
        ],
        description="异地就医协查发现李某持他人社保卡在外省就医结算。",
    )
    if case:
        branches = _refer(case, "yb_leader", ["省公安厅"], "涉嫌冒名就医骗取医保基金，请审查。")
        _sign(case, branches["省公安厅"])
        services.referral_decide(
            task=_task(case, "decide", branches["省公安厅"]),
            accept=False,
            reason="涉案金额未达到诈骗罪立案追诉标准，建议由医保部门依法行政处理。",
            user=_person(_agency("省公安厅"), Role.LIAISON),
        )

    # 5. a 纪委监委 referral (compartmented)
    case = _register(
        "yb_officer",
        "经办机构工作人员内外勾结线索",
        source="audit_finding",
        violations=["collusion"],
        amount="913500.00",
        subjects=[
            {
                "kind": "agency_staff",
                "name": "赵某（某经办机构科员）",
                "id_number": id_number("22010219820917002"),
                "credit_code": "",
                "institution_class": "",
                "note": "",
            }
        ],
        description="审计发现某经办机构工作人员违规审核报销，疑与定点机构勾结。",
    )
    if case:
        branches = _refer(case, "yb_leader", ["省纪委监委"], "涉嫌公职人员职务违法线索，请审查。")
        _sign(case, branches["省纪委监委"])

    # 6. closed with money recovered
    case = _register(
        "yb_officer",
        "某社区卫生服务中心挂床住院案",
        source="routine",
        violations=["bed_hanging"],
        amount="264300.00",
        subjects=[
            {
                "kind": "institution",
                "name": "长春市某社区卫生服务中心",
                "credit_code": credit("12220102MB0P4G7X3"),
                "id_number": "",
                "institution_class": "primary",
                "note": "",
            }
        ],
        description="日常稽核发现挂床住院34人次。",
    )
    if case:
        branches = _refer(case, "yb_leader", ["省卫生健康委"], "请对相关医务人员依规处理。")
        _sign(case, branches["省卫生健康委"])
        _accept(case, branches["省卫生健康委"])
        _report(
            case,
            branches["省卫生健康委"],
            "约谈院长，通报批评，责令整改。",
            "264300.00",
            "528600.00",
        )
        services.case_close(
            task=_task(case, "close"), user=_user("yb_officer"), note="已全额追回并处2倍罚款。"
        )

    # 7. in-house; 8. unfounded
    case = _register(
        "yb_officer2",
        "某诊所过度检查线索",
        source="random",
        violations=["over_treatment"],
        amount="38700.00",
        subjects=[],
        description="双随机抽查发现部分检查项目无医嘱。",
    )
    if case:
        services.case_decide(
            task=_task(case, "approve"),
            user=_user("yb_leader"),
            decision="in_house",
            reason="情节较轻，由本局依法处理。",
        )
    case = _register(
        "yb_officer",
        "举报某药店盗刷医保卡",
        source="complaint",
        violations=["card_misuse"],
        amount="1200.00",
        subjects=[],
        description="群众举报，经核查刷卡记录与本人购药一致。",
    )
    if case:
        services.case_decide(
            task=_task(case, "approve"),
            user=_user("yb_leader"),
            decision="unfounded",
            reason="经核查，举报情况不属实。",
        )

    # 9. a city-level criminal referral, copied to the city procuratorate
    case = _register(
        "ccyb_officer",
        "长春市某骨科医院伪造票据骗保案",
        source="special_rectification",
        violations=["forged_documents"],
        amount="1450000.00",
        subjects=[
            {
                "kind": "institution",
                "name": "长春市某骨科医院",
                "credit_code": credit("91220105MA14BN8R5"),
                "id_number": "",
                "institution_class": "private",
                "note": "",
            }
        ],
        description="专项整治中发现该院伪造住院病历和费用票据。",
    )
    if case:
        _refer(case, "ccyb_leader", ["长春市公安局"], "涉嫌诈骗犯罪，依法移送。")
    return {"cases": Case.objects.count()}
