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
    known = set(ViolationType.objects.filter(code__in=violations).values_list("code", flat=True))
    if known != set(violations):
        raise LookupError(f"unknown violation types: {set(violations) - known}")
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


def _report(case, referral, outcome, recovered, fines, outcomes=("admin_penalty",)):
    services.referral_report(
        task=_task(case, "investigate", referral),
        outcome=outcome,
        outcomes=list(outcomes),
        recovered=Decimal(recovered),
        fines=Decimal(fines),
        files=[],
        user=_person(referral.to_agency, Role.CASE_OFFICER),
    )


def _liaison(referral):
    return _person(referral.to_agency, Role.LIAISON)


def _refuse(case, referral, reason):
    services.referral_decide(
        task=_task(case, "decide", referral), accept=False, reason=reason, user=_liaison(referral)
    )


def _respond(case, referral, action, reason=""):
    services.referral_respond(
        task=_task(case, "respond", referral),
        action=action,
        reason=reason,
        user=_person(referral.from_agency, Role.CASE_OFFICER),
    )


def _handover(case, referral, note):
    services.referral_handover(
        task=_task(case, "handover", referral),
        note=note,
        files=[],
        user=_person(referral.from_agency, Role.CASE_OFFICER),
    )


def _progress(case, referral, body):
    services.comment_add(
        case=case, referral=referral, body=body, user=_person(referral.to_agency, Role.CASE_OFFICER)
    )


def _close(case, officer, note, recovered="0", fines="0"):
    services.case_close(
        task=_task(case, "close"),
        user=_user(officer),
        note=note,
        recovered=Decimal(recovered),
        fines=Decimal(fines),
    )


def _make_overdue(case, step, referral, level: int):
    """Age one open task just far enough past its due time to reach escalation `level`, then
    fire the timers that are due by then — the same path as cron's `workflow_timers`."""
    from datetime import timedelta

    from django.utils import timezone
    from viewflow.workflow.timers import fire_due_timers

    from workflow.escalation import reschedule
    from workflow.models import CaseTask
    from workflow.nodes import escalation_at

    task = _task(case, step, referral)
    case_task = CaseTask.objects.get(task=task)
    now = timezone.now()
    due = now - timedelta(hours=6)
    while escalation_at(due, level) > now:
        due -= timedelta(hours=6)
    if referral is not None:
        type(referral).objects.filter(pk=referral.pk).update(due_at=due)
    reschedule(case_task, due)
    fire_due_timers()


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
        _handover(
            case,
            branches["省公安厅"],
            "2026年11月向省公安厅经侦总队移交住院病历312份、费用明细及票据1箱，办理移交手续。",
        )
        _progress(case, branches["省公安厅"], "已调取该院2023—2024年住院病历，正在询问相关人员。")
        services.comment_add(
            case=case,
            user=_user("yb_officer"),
            body="请各承办单位每月向我局反馈一次办理进展。",
        )
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
        _refuse(case, branches["省公安厅"], "现有证据不足以证明李某具有非法占有目的，不予立案。")
        _respond(
            case,
            branches["省公安厅"],
            "reconsider",
            "李某在六个月内冒用他人社保卡结算17次，有异地就医结算记录和医院监控为证，请予复议。",
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
        branches = _refer(case, "ccyb_leader", ["长春市公安局"], "涉嫌诈骗犯罪，依法移送。")
        referral = branches["长春市公安局"]
        _sign(case, referral)
        # 3 → 10 days approved by the city police leader, 10 → 30 awaiting approval
        first = services.extension_request(
            referral=referral, user=_liaison(referral), reason="涉案票据数量大，需逐张比对核实。"
        )
        services.extension_decide(
            extension=first, user=_person(referral.to_agency, Role.AGENCY_LEADER), approve=True
        )
        services.extension_request(
            referral=referral,
            user=_liaison(referral),
            reason="需向省外三家医疗器械公司调取证据，延长至三十日。",
        )

    _more_cases()
    return {"cases": Case.objects.count()}


def _more_cases():
    """Reconsideration, supervision, hand-back, withdrawal, 一案多处 and overdue cases."""
    # 10. under the procuratorate's filing supervision
    case = _register(
        "yb_officer",
        "某医药公司虚开发票套取医保基金案",
        source="assigned",
        violations=["forged_documents"],
        amount="2360000.00",
        subjects=[
            {
                "kind": "pharmacy",
                "name": "吉林省某医药有限公司",
                "credit_code": credit("91220000MA84C2L7X"),
                "id_number": "",
                "institution_class": "",
                "note": "",
            }
        ],
        description="国家医保局交办线索：该公司与多家定点药店勾结虚开发票，套取医保基金。",
    )
    if case:
        referral = _refer(case, "yb_leader", ["省公安厅"], "涉嫌诈骗犯罪，依法移送。")["省公安厅"]
        _sign(case, referral)
        _refuse(case, referral, "现有材料难以认定主观故意，不予立案。")
        _respond(case, referral, "reconsider", "发票流向与药品进销存明显不符，请予复议。")
        services.referral_reconsider(
            task=_task(case, "reconsider", referral),
            accept=False,
            reason="经复议，维持不予立案决定。",
            user=_liaison(referral),
        )
        _respond(
            case,
            referral,
            "supervise",
            "涉案金额巨大，证据确实充分，公安机关应当立案而不立案，提请立案监督。",
        )

    # 11. 公安 handed the case back; 医保 has it back for administrative handling
    case = _register(
        "yb_officer2",
        "某中医诊所串换诊疗项目案",
        source="smart_monitoring",
        violations=["swap_item_charge"],
        amount="96400.00",
        subjects=[
            {
                "kind": "institution",
                "name": "长春市某中医诊所",
                "credit_code": credit("92220102MA0Y1H5Q8"),
                "id_number": "",
                "institution_class": "private",
                "note": "",
            }
        ],
        description="智能监控发现该诊所将理疗项目串换为针灸项目结算。",
    )
    if case:
        referral = _refer(case, "yb_leader", ["省公安厅"], "涉嫌诈骗，移送审查。")["省公安厅"]
        _sign(case, referral)
        _accept(case, referral, "已立案审查")
        _handover(case, referral, "移交结算明细及诊疗记录。")
        services.referral_hand_back(
            task=_task(case, "investigate", referral),
            reason="经侦查，涉案金额未达诈骗罪立案追诉标准，情节显著轻微。",
            user=_person(referral.to_agency, Role.CASE_OFFICER),
        )

    # 12. 一案多查 with one branch withdrawn and the other reported: ready to close
    case = _register(
        "yb_officer",
        "某民营医院虚假宣传诱导就医案",
        source="complaint",
        violations=["induced_admission"],
        amount="318000.00",
        informant="实名举报（参保人张某，电话已登记）",
        subjects=[
            {
                "kind": "institution",
                "name": "长春市某民营眼科医院",
                "credit_code": credit("91220101MA17T4W8N"),
                "id_number": "",
                "institution_class": "private",
                "note": "",
            }
        ],
        description="举报该院以免费筛查为名诱导参保人住院手术。",
    )
    if case:
        branches = _refer(case, "yb_leader", ["省卫生健康委", "省市场监管厅"], "请依职责核查处理。")
        services.referral_withdraw(
            referral=branches["省市场监管厅"],
            user=_user("yb_leader"),
            reason="虚假宣传问题已由市场监管部门另案查处，撤回本次移送。",
        )
        _sign(case, branches["省卫生健康委"])
        _accept(case, branches["省卫生健康委"])
        _report(
            case,
            branches["省卫生健康委"],
            "责令整改，对相关责任人给予警告。",
            "0",
            "30000.00",
        )

    # 13. 一案多处: closed after a second round of referrals
    case = _register(
        "yb_officer2",
        "某医院违规收费及医务人员违纪案",
        source="audit_finding",
        violations=["over_standard_charge", "duplicate_charge"],
        amount="742000.00",
        subjects=[
            {
                "kind": "institution",
                "name": "吉林省某专科医院",
                "credit_code": credit("12220000MB0Q8D3Y6"),
                "id_number": "",
                "institution_class": "public_secondary",
                "note": "",
            }
        ],
        description="审计发现该院重复收费、超标准收费，部分科室负责人涉嫌违纪。",
    )
    if case:
        branches = _refer(case, "yb_leader", ["省市场监管厅"], "请对违规收费问题依法查处。")
        _sign(case, branches["省市场监管厅"])
        _accept(case, branches["省市场监管厅"])
        _report(
            case,
            branches["省市场监管厅"],
            "没收违法所得并处罚款。",
            "742000.00",
            "371000.00",
            outcomes=("admin_penalty", "funds_recovered"),
        )
        from cases.forms import channel_for

        services.case_close(
            task=_task(case, "close"),
            user=_user("yb_leader"),
            note="违纪问题另行移送。",
            refer_to=[
                {
                    "to_agency": _agency("省卫生健康委"),
                    "channel": channel_for(_agency("省卫生健康委")),
                    "summary": "该院相关科室负责人涉嫌违规收费，请依规处理。",
                }
            ],
        )
        health = case.referrals.get(to_agency__short_name="省卫生健康委")
        _sign(case, health)
        _accept(case, health)
        _report(
            case,
            health,
            "对两名科室负责人给予记过处分。",
            "0",
            "0",
            outcomes=("government_discipline",),
        )
        _close(case, "yb_officer2", "两个部门均已反馈处理结果，结案。")

    # 14. overdue and escalated to 督办: 卫健 has not signed for 6 days
    case = _register(
        "yb_officer",
        "某康复医院虚记康复治疗项目案",
        source="flying_inspection",
        violations=["fictitious_services"],
        amount="455800.00",
        subjects=[
            {
                "kind": "institution",
                "name": "长春市某康复医院",
                "credit_code": credit("91220106MA0X9E2K4"),
                "id_number": "",
                "institution_class": "private",
                "note": "",
            }
        ],
        description="飞行检查发现康复治疗记录与治疗师排班不符，涉嫌虚记治疗项目。",
    )
    if case:
        referral = _refer(case, "yb_leader", ["省卫生健康委"], "请对该院诊疗行为依规核查。")[
            "省卫生健康委"
        ]
        _make_overdue(case, "receive", referral, level=3)

    # 15. overdue at the leader-reminder stage: 公安 has not decided on filing
    case = _register(
        "yb_officer2",
        "参保人员倒卖医保药品案",
        source="police_notice",
        violations=["drug_resale"],
        amount="128900.00",
        subjects=[
            {
                "kind": "insured",
                "name": "孙某",
                "id_number": id_number("22010419790806005"),
                "credit_code": "",
                "institution_class": "",
                "note": "",
            }
        ],
        description="公安机关通报：孙某多次超量开具慢特病药品后转卖。",
    )
    if case:
        referral = _refer(case, "yb_leader", ["省公安厅"], "涉嫌倒卖医保药品，依法移送。")[
            "省公安厅"
        ]
        _sign(case, referral)
        _make_overdue(case, "decide", referral, level=2)

    # 16. closed 一案多查 with money recovered by two agencies
    case = _register(
        "yb_officer",
        "某连锁药店聚敛盗刷医保卡案",
        source="special_rectification",
        violations=["card_misuse"],
        amount="684000.00",
        subjects=[
            {
                "kind": "pharmacy",
                "name": "吉林省某连锁药房有限公司",
                "credit_code": credit("91220000MA0Y2R6T9"),
                "id_number": "",
                "institution_class": "",
                "note": "",
            }
        ],
        description="专项整治发现该药店收集参保人医保卡集中刷卡购药。",
    )
    if case:
        branches = _refer(case, "yb_leader", ["省市场监管厅", "省药监局"], "请依职责查处。")
        for name, outcome, recovered, fines in [
            ("省市场监管厅", "没收违法所得并处罚款。", "420000.00", "210000.00"),
            ("省药监局", "吊销药品经营许可证。", "0", "50000.00"),
        ]:
            _sign(case, branches[name])
            _accept(case, branches[name])
            _report(case, branches[name], outcome, recovered, fines)
        _close(case, "yb_officer", "解除医保服务协议，追回全部基金。", recovered="264000.00")

    # 18. other bodies refer too: 市场监管 sends a case to 医保, who is deciding on it
    case = _register(
        "scjg_officer",
        "某医疗器械公司虚高定价涉嫌骗取医保基金线索",
        source="routine",
        violations=["over_standard_charge"],
        amount="267300.00",
        subjects=[
            {
                "kind": "institution",
                "name": "吉林省某医疗器械有限公司",
                "credit_code": credit("91220000MA0Y3F2C7"),
                "id_number": "",
                "institution_class": "",
                "note": "价格监督检查中发现",
            }
        ],
        description="价格监督检查发现该公司向定点医院供应的骨科耗材虚高定价，涉嫌与医院共同骗取医保基金。",
    )
    if case:
        referral = _refer(case, "scjg_leader", ["省医保局"], "请对涉及医保基金的问题依法核查。")[
            "省医保局"
        ]
        _sign(case, referral)

    # 19. an audit finding sent to 医保 and 纪委监委 at once; 医保 investigating
    case = _register(
        "sj_officer",
        "医保基金专项审计发现的违规支付问题",
        source="audit_finding",
        violations=["collusion", "false_reimbursement"],
        amount="1183600.00",
        subjects=[
            {
                "kind": "agency_staff",
                "name": "钱某（某县医保经办机构负责人）",
                "id_number": id_number("22030219780214001"),
                "credit_code": "",
                "institution_class": "",
                "note": "",
            }
        ],
        description="专项审计发现某县医保经办机构违规向不符合条件的机构支付医保基金，相关负责人涉嫌失职渎职。",
    )
    if case:
        branches = _refer(
            case,
            "sj_leader",
            ["省医保局", "省纪委监委"],
            "审计发现违规支付医保基金问题，请依职责处理。",
        )
        _sign(case, branches["省医保局"])
        _accept(case, branches["省医保局"], "已立案核查")
        _progress(case, branches["省医保局"], "已追回违规支付资金43万元，其余部分正在核实。")
        _sign(case, branches["省纪委监委"])

    # 20. a city case handled in-house and closed with a fine
    case = _register(
        "ccyb_officer",
        "长春市某卫生院超标准收费线索",
        source="random",
        violations=["over_standard_charge"],
        amount="21800.00",
        subjects=[],
        description="双随机抽查发现该卫生院部分护理项目超标准收费。",
    )
    if case:
        services.case_decide(
            task=_task(case, "approve"),
            user=_user("ccyb_leader"),
            decision="in_house",
            reason="金额较小，由本局依法处理。",
        )
        services.case_close(
            task=_task(case, "handle_in_house"),
            user=_user("ccyb_officer"),
            note="责令退回超收费用并处罚款。",
            recovered=Decimal("21800.00"),
            fines=Decimal("43600.00"),
        )

    # 17. an approval pending at the city level
    _register(
        "ccyb_officer",
        "长春市某血液透析中心重复收费线索",
        source="smart_monitoring",
        violations=["duplicate_charge"],
        amount="73500.00",
        subjects=[],
        description="智能监控提示同一透析治疗重复收取耗材费用。",
    )
