"""The demo's storyline cases — one in every state a case and a referral can be in: fresh clues,
一案多查 with branches at different steps, a return for supplement, a refusal and a request for
reconsideration, filing supervision, a 纪委监委 referral, a hand-back, a withdrawal, extensions,
in-house and closed cases, and tasks overdue at each escalation level.

Each case is a story (demo/timeline.py): its steps happen on the working days they would, counted
back from today — registered, decided the next working day, signed for within a day, decided on
within the statutory period, progress every few weeks — so a case that is overdue today became so
on its own, escalated by the same timers cron fires in production. The long history of older
cases is in demo/history.py.
"""

from datetime import timedelta

from cases.models import Case
from demo.steps import (
    accept,
    approve_closing,
    close,
    credit,
    decide,
    give_back,
    handover,
    id_number,
    keep_reporting,
    leader_of,
    liaison,
    progress,
    refer,
    refuse,
    register,
    report,
    respond,
    sign,
    subject,
    supplement,
    task,
    user,
)
from demo.steps import agency as _agency
from demo.timeline import Timeline

HOSPITAL = subject(
    "institution",
    "长春市某综合医院",
    credit_code=credit("12220100MB1830254"),
    institution_class="public_secondary",
)


def seed_cases() -> dict:
    """The storyline cases alone, on their own timeline (the world runs them with the rest)."""
    t = Timeline()
    for story in case_stories(t):
        t.add(story)
    t.run(since=t.working_days_ago(200))
    return {"cases": Case.objects.count()}


def case_stories(t: Timeline) -> list:
    return [
        story(t)
        for story in (
            _fresh_pharmacy_clue,
            _big_case,
            _returned_for_supplement,
            _reconsideration_requested,
            _discipline_referral,
            _closed_bed_hanging,
            _in_house_clinic,
            _unfounded_report,
            _city_criminal_with_extensions,
            _under_filing_supervision,
            _handed_back,
            _withdrawn_branch_ready_to_close,
            _referred_further_and_closed,
            _overdue_under_supervision,
            _overdue_at_leader,
            _closed_two_agencies,
            _market_regulation_refers_to_yb,
            _audit_finding,
            _city_in_house_closed,
            _city_approval_pending,
            _closing_report_awaiting_approval,
        )
    ]


def _days(t, working_days_ago, hour, minute=0):
    return t.at(t.working_days_ago(working_days_ago), hour, minute)


# 1. a fresh clue awaiting the leader's decision
def _fresh_pharmacy_clue(t):
    yield _days(t, 1, 15, 20)
    register(
        "yb_officer2",
        "某大药房串换药品、超量配药线索",
        source="smart_monitoring",
        violations=["pharmacy_swap", "pharmacy_overdispensing"],
        amount="186420.00",
        description="智能监控规则提示该药房近一个季度多次将保健品串换为医保药品结算。",
        subjects=[
            subject(
                "pharmacy", "长春市某大药房连锁有限公司", credit_code=credit("91220101MA0Y7K3P1")
            )
        ],
    )


# 2. 一案多查: 公安 investigating, 卫健 finished, 市场监管 investigating after a return
def _big_case(t):
    registered = _days(t, 60, 10, 10)
    yield registered
    case = register(
        "yb_officer",
        "长春市某综合医院分解住院、虚构医疗服务案（一案多查）",
        source="flying_inspection",
        violations=["split_admission", "fictitious_services", "bed_hanging"],
        amount="3862700.50",
        subjects=[
            HOSPITAL,
            subject("staff", "王某某（该院医保办主任）", id_no=id_number("22010219750312003")),
        ],
        description="国家飞行检查发现该院近一年半存在分解住院、挂床住院、虚构医疗服务等问题，"
        "涉嫌骗取医保基金。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 9, 40)
    branches = refer(
        case,
        "yb_leader",
        ["省公安厅", "省卫生健康委", "省市场监管厅"],
        "经飞行检查，该院涉嫌分解住院、虚构医疗服务骗取医保基金，请依法处理。",
    )
    decided = t.later(registered, 1, 9, 40)
    t.add(_big_case_police(t, case, branches["省公安厅"], decided))
    t.add(_big_case_health(t, case, branches["省卫生健康委"], decided))
    t.add(_big_case_market(t, case, branches["省市场监管厅"], decided))
    yield t.later(decided, 3, 16, 0)
    from cases import services

    services.comment_add(
        case=case, user=user("yb_officer"), body="请各承办单位每月向我局反馈一次办理进展。"
    )


def _big_case_police(t, case, referral, decided):
    yield t.later(decided, 0, 15, 0)
    sign(case, referral)
    accepted = t.later(decided, 1, 10, 30)
    yield accepted
    accept(case, referral, "已立案侦查")
    handed = t.later(accepted, 1, 14, 0)
    yield handed
    handover(
        case,
        referral,
        f"{handed:%Y年%-m月%-d日}向省公安厅经侦总队移交住院病历312份、费用明细及票据1箱，"
        "办理移交手续。",
    )
    yield from keep_reporting(
        t,
        case,
        referral,
        handed,
        [
            "已调取该院近两年住院病历，正在询问相关人员。",
            "已询问涉案医务人员14人，委托司法会计鉴定涉案金额。",
            "司法会计鉴定初步完成，正在核对分解住院病例明细。",
        ],
    )


def _big_case_health(t, case, referral, decided):
    yield t.later(decided, 1, 9, 30)
    sign(case, referral)
    accepted = t.later(decided, 4, 10, 0)
    yield accepted
    accept(case, referral)
    yield t.at(t.working_day_on_or_before(accepted.date() + timedelta(days=24)), 15, 30)
    report(case, referral, "对该院给予警告，对相关医务人员暂停执业6个月。", "0", "200000.00")


def _big_case_market(t, case, referral, decided):
    yield t.later(decided, 0, 11, 0)
    give_back(case, referral, "请补充该院药品、医用耗材进销存数据和采购票据。")
    yield t.later(decided, 3, 16, 0)
    supplement(case, referral, "已补充该院近两年药品耗材进销存数据和采购票据复印件。")
    yield t.later(decided, 4, 10, 0)
    sign(case, referral)
    accepted = t.later(decided, 8, 15, 0)
    yield accepted
    accept(case, referral, "已立案调查该院药品耗材购销问题")
    yield from keep_reporting(
        t,
        case,
        referral,
        accepted,
        [
            "已调取该院药品耗材采购合同和供货企业票据。",
            "已约谈三家供货企业负责人，正在比对购销数据。",
        ],
        hour=11,
    )


# 3. returned for supplement: 医保 must add the material
def _returned_for_supplement(t):
    registered = _days(t, 6, 9, 50)
    yield registered
    case = register(
        "yb_officer",
        "某民营医院诱导住院案",
        source="complaint",
        violations=["induced_admission"],
        amount="528000.00",
        informant="匿名举报（来电，号码已登记）",
        subjects=[
            subject(
                "institution",
                "长春市某民营医院",
                credit_code=credit("91220104MA17QH6K2"),
                institution_class="private",
            )
        ],
        description="群众举报该院以免费体检、返还现金方式诱导参保人住院。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 10, 30)
    branches = refer(case, "yb_leader", ["省卫生健康委"], "请核查该院诱导住院问题。")
    yield t.later(registered, 2, 15, 0)
    give_back(case, branches["省卫生健康委"], "请补充住院病历抽查记录和参保人询问笔录。")


# 4. refused with reasons; reconsideration requested
def _reconsideration_requested(t):
    registered = _days(t, 4, 9, 20)
    yield registered
    case = register(
        "yb_officer2",
        "参保人员冒名就医线索",
        source="cross_region",
        violations=["impersonation"],
        amount="42600.00",
        subjects=[subject("insured", "李某", id_no=id_number("22010319880521004"))],
        description="异地就医协查发现李某持他人社保卡在外省就医结算。",
    )
    if case is None:
        return
    yield _days(t, 3, 9, 30)
    referral = refer(case, "yb_leader", ["省公安厅"], "涉嫌冒名就医骗取医保基金，请审查。")[
        "省公安厅"
    ]
    yield _days(t, 3, 14, 0)
    sign(case, referral)
    yield _days(t, 2, 10, 0)
    refuse(case, referral, "现有证据不足以证明李某具有非法占有目的，不予立案。")
    yield _days(t, 1, 9, 30)
    respond(
        case,
        referral,
        "reconsider",
        "李某在六个月内冒用他人社保卡结算17次，有异地就医结算记录和医院监控为证，请予复议。",
    )


# 5. a 纪委监委 referral (compartmented), signed for
def _discipline_referral(t):
    registered = _days(t, 4, 14, 0)
    yield registered
    case = register(
        "yb_officer",
        "经办机构工作人员内外勾结线索",
        source="audit_finding",
        violations=["collusion"],
        amount="913500.00",
        subjects=[
            subject("agency_staff", "赵某（某经办机构科员）", id_no=id_number("22010219820917002"))
        ],
        description="审计发现某经办机构工作人员违规审核报销，疑与定点机构勾结。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 10, 0)
    branches = refer(case, "yb_leader", ["省纪委监委"], "涉嫌公职人员职务违法线索，请审查。")
    yield _days(t, 2, 9, 40)
    sign(case, branches["省纪委监委"])


# 6. closed with money recovered
def _closed_bed_hanging(t):
    registered = _days(t, 120, 10, 0)
    yield registered
    case = register(
        "yb_officer",
        "某社区卫生服务中心挂床住院案",
        source="routine",
        violations=["bed_hanging"],
        amount="264300.00",
        subjects=[
            subject(
                "institution",
                "长春市某社区卫生服务中心",
                credit_code=credit("12220102MB0P4G7X3"),
                institution_class="primary",
            )
        ],
        description="日常稽核发现挂床住院34人次。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 11, 0)
    referral = refer(case, "yb_leader", ["省卫生健康委"], "请对相关医务人员依规处理。")[
        "省卫生健康委"
    ]
    yield t.later(registered, 2, 9, 30)
    sign(case, referral)
    accepted = t.later(registered, 5, 10, 0)
    yield accepted
    accept(case, referral)
    reported = yield from keep_reporting(
        t,
        case,
        referral,
        accepted,
        ["已完成现场核查，正在约谈相关人员。"],
        until=accepted + timedelta(days=40),
    )
    reported = t.later(reported, 3, 15, 0)
    yield reported
    report(case, referral, "约谈院长，通报批评，责令整改。", "264300.00", "528600.00")
    yield t.later(reported, 4, 10, 0)
    close(case, "yb_officer", "已全额追回并处2倍罚款。")
    yield from approve_closing(t, case)


# 7. handled in-house, in progress
def _in_house_clinic(t):
    registered = _days(t, 20, 10, 20)
    yield registered
    case = register(
        "yb_officer2",
        "某诊所过度检查线索",
        source="random",
        violations=["over_treatment"],
        amount="38700.00",
        subjects=[],
        description="双随机抽查发现部分检查项目无医嘱。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 9, 0)
    decide(case, "yb_leader", "in_house", "情节较轻，由本局依法处理。")


# 8. closed as unfounded
def _unfounded_report(t):
    registered = _days(t, 15, 14, 30)
    yield registered
    case = register(
        "yb_officer",
        "举报某药店盗刷医保卡",
        source="complaint",
        violations=["card_misuse"],
        amount="1200.00",
        subjects=[],
        description="群众举报，经核查刷卡记录与本人购药一致。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 16, 0)
    decide(case, "yb_leader", "unfounded", "经核查，举报情况不属实。")


# 9. a city-level criminal referral, copied to the city procuratorate; extensions
def _city_criminal_with_extensions(t):
    from cases import services
    from workflow.calendar_rules import rule_due

    # signed for five working days ago — or later, so that its ten days have not run out
    back = next(
        (
            k
            for k in (5, 4, 3)
            if rule_due("police_filing_extension_10", _days(t, k, 15, 30))
            > t.now + timedelta(hours=12)
        ),
        3,
    )
    registered = _days(t, back + 1, 9, 10)
    yield registered
    case = register(
        "ccyb_officer",
        "长春市某骨科医院伪造票据骗保案",
        source="special_rectification",
        violations=["forged_documents"],
        amount="1450000.00",
        subjects=[
            subject(
                "institution",
                "长春市某骨科医院",
                credit_code=credit("91220105MA14BN8R5"),
                institution_class="private",
            )
        ],
        description="专项整治中发现该院伪造住院病历和费用票据。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 10, 0)
    referral = refer(case, "ccyb_leader", ["长春市公安局"], "涉嫌诈骗犯罪，依法移送。")[
        "长春市公安局"
    ]
    yield t.later(registered, 1, 15, 30)
    sign(case, referral)
    # 3 → 10 days approved by the city police leader, 10 → 30 awaiting approval
    yield t.later(registered, 2, 10, 0)
    first = services.extension_request(
        referral=referral, user=liaison(referral), reason="涉案票据数量大，需逐张比对核实。"
    )
    yield t.later(registered, 2, 16, 0)
    services.extension_decide(extension=first, user=leader_of(referral.to_agency), approve=True)
    yield _days(t, 1, 11, 0)
    services.extension_request(
        referral=referral,
        user=liaison(referral),
        reason="需向省外三家医疗器械公司调取证据，延长至三十日。",
    )


# 10. under the procuratorate's filing supervision
def _under_filing_supervision(t):
    from cases import services
    from workflow.calendar_rules import rule_due

    # supervision asked for three working days ago — or later, when a holiday has eaten up the
    # procuratorate's seven days since
    back = next(
        (
            k
            for k in (3, 2, 1)
            if rule_due("supervision_explanation", _days(t, k, 10)) > t.now + timedelta(hours=12)
        ),
        1,
    )
    registered = _days(t, back + 5, 9, 0)
    yield registered
    case = register(
        "yb_officer",
        "某医药公司虚开发票套取医保基金案",
        source="assigned",
        violations=["forged_documents"],
        amount="2360000.00",
        subjects=[
            subject("pharmacy", "吉林省某医药有限公司", credit_code=credit("91220000MA84C2L7X"))
        ],
        description="国家医保局交办线索：该公司与多家定点药店勾结虚开发票，套取医保基金。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 9, 0)
    referral = refer(case, "yb_leader", ["省公安厅"], "涉嫌诈骗犯罪，依法移送。")["省公安厅"]
    yield t.later(registered, 1, 14, 0)
    sign(case, referral)
    yield t.later(registered, 2, 15, 0)
    refuse(case, referral, "现有材料难以认定主观故意，不予立案。")
    yield t.later(registered, 3, 10, 0)
    respond(case, referral, "reconsider", "发票流向与药品进销存明显不符，请予复议。")
    yield t.later(registered, 4, 16, 0)
    services.referral_reconsider(
        task=task(case, "reconsider", referral),
        accept=False,
        reason="经复议，维持不予立案决定。",
        user=liaison(referral),
    )
    yield t.later(registered, 5, 10, 0)
    respond(
        case,
        referral,
        "supervise",
        "涉案金额巨大，证据确实充分，公安机关应当立案而不立案，提请立案监督。",
    )


# 11. 公安 handed the case back; 医保 has it back for administrative handling
def _handed_back(t):
    from cases import services

    registered = _days(t, 30, 10, 0)
    yield registered
    case = register(
        "yb_officer2",
        "某中医诊所串换诊疗项目案",
        source="smart_monitoring",
        violations=["swap_item_charge"],
        amount="96400.00",
        subjects=[
            subject(
                "institution",
                "长春市某中医诊所",
                credit_code=credit("92220102MA0Y1H5Q8"),
                institution_class="private",
            )
        ],
        description="智能监控发现该诊所将理疗项目串换为针灸项目结算。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 9, 30)
    referral = refer(case, "yb_leader", ["省公安厅"], "涉嫌诈骗，移送审查。")["省公安厅"]
    yield t.later(registered, 1, 15, 0)
    sign(case, referral)
    yield t.later(registered, 2, 11, 0)
    accept(case, referral, "已立案审查")
    handed = t.later(registered, 3, 10, 0)
    yield handed
    handover(case, referral, "移交结算明细及诊疗记录。")
    yield from keep_reporting(
        t,
        case,
        referral,
        handed,
        ["正在调取诊所结算明细，询问相关参保人。"],
        until=t.at(t.working_days_ago(1), 0),
    )
    yield _days(t, 1, 16, 0)
    services.referral_hand_back(
        task=task(case, "investigate", referral),
        reason="经侦查，涉案金额未达诈骗罪立案追诉标准，情节显著轻微。",
        user=user("ga_officer"),
    )


# 12. 一案多查 with one branch withdrawn and the other reported: ready to close
def _withdrawn_branch_ready_to_close(t):
    from cases import services

    registered = _days(t, 25, 9, 30)
    yield registered
    case = register(
        "yb_officer",
        "某民营医院虚假宣传诱导就医案",
        source="complaint",
        violations=["induced_admission"],
        amount="318000.00",
        informant="实名举报（参保人张某，电话已登记）",
        subjects=[
            subject(
                "institution",
                "长春市某民营眼科医院",
                credit_code=credit("91220101MA17T4W8N"),
                institution_class="private",
            )
        ],
        description="举报该院以免费筛查为名诱导参保人住院手术。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 10, 0)
    branches = refer(case, "yb_leader", ["省卫生健康委", "省市场监管厅"], "请依职责核查处理。")
    yield t.later(registered, 1, 14, 0)
    sign(case, branches["省卫生健康委"])
    yield t.later(registered, 1, 16, 30)
    services.referral_withdraw(
        referral=branches["省市场监管厅"],
        user=user("yb_leader"),
        reason="虚假宣传问题已由市场监管部门另案查处，撤回本次移送。",
    )
    accepted = t.later(registered, 4, 10, 0)
    yield accepted
    accept(case, branches["省卫生健康委"])
    yield from keep_reporting(
        t,
        case,
        branches["省卫生健康委"],
        accepted,
        ["已完成现场检查，正在核实宣传材料。"],
        until=_days(t, 3, 0),
    )
    yield _days(t, 3, 15, 0)
    report(case, branches["省卫生健康委"], "责令整改，对相关责任人给予警告。", "0", "30000.00")


# 13. 一案多处: closed after a second round of referrals
def _referred_further_and_closed(t):
    from cases import services
    from cases.forms import channel_for

    registered = _days(t, 100, 9, 0)
    yield registered
    case = register(
        "yb_officer2",
        "某医院违规收费及医务人员违纪案",
        source="audit_finding",
        violations=["over_standard_charge", "duplicate_charge"],
        amount="742000.00",
        subjects=[
            subject(
                "institution",
                "吉林省某专科医院",
                credit_code=credit("12220000MB0Q8D3Y6"),
                institution_class="public_secondary",
            )
        ],
        description="审计发现该院重复收费、超标准收费，部分科室负责人涉嫌违纪。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 10, 0)
    market = refer(case, "yb_leader", ["省市场监管厅"], "请对违规收费问题依法查处。")[
        "省市场监管厅"
    ]
    yield t.later(registered, 2, 9, 0)
    sign(case, market)
    accepted = t.later(registered, 6, 10, 0)
    yield accepted
    accept(case, market)
    last = yield from keep_reporting(
        t,
        case,
        market,
        accepted,
        ["已完成收费票据核查，正在听取医院陈述申辩。"],
        until=accepted + timedelta(days=30),
    )
    reported = t.later(last, 4, 15, 0)
    yield reported
    report(
        case,
        market,
        "没收违法所得并处罚款。",
        "742000.00",
        "371000.00",
        outcomes=("admin_penalty", "funds_recovered"),
    )
    further = t.later(reported, 3, 10, 0)
    yield further
    services.case_close(
        task=task(case, "close"),
        user=user("yb_leader"),
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
    yield t.later(further, 1, 9, 30)
    sign(case, health)
    accepted = t.later(further, 5, 10, 0)
    yield accepted
    accept(case, health)
    reported = t.at(t.working_day_on_or_before(accepted.date() + timedelta(days=25)), 14, 0)
    yield reported
    report(
        case,
        health,
        "对两名科室负责人给予记过处分。",
        "0",
        "0",
        outcomes=("government_discipline",),
    )
    yield t.later(reported, 3, 10, 0)
    close(case, "yb_officer2", "两个部门均已反馈处理结果，结案。")
    yield from approve_closing(t, case)


# 14. overdue and escalated to 督办: 卫健 has not signed for six working days
def _overdue_under_supervision(t):
    from workflow.calendar_rules import rule_due
    from workflow.nodes import escalation_at

    # referred on the latest working day from which the day to sign, and the leader's and the
    # office's days after it, have all passed
    sent_on = t.latest_working_day(
        lambda day: (
            escalation_at(rule_due("referral_receipt", t.at(day, 10)), 3)
            < t.now - timedelta(hours=1)
        ),
        default=6,
    )
    registered = t.at(t.working_day_on_or_before(sent_on - timedelta(days=1)), 10)
    yield registered
    case = register(
        "yb_officer",
        "某康复医院虚记康复治疗项目案",
        source="flying_inspection",
        violations=["fictitious_services"],
        amount="455800.00",
        subjects=[
            subject(
                "institution",
                "长春市某康复医院",
                credit_code=credit("91220106MA0X9E2K4"),
                institution_class="private",
            )
        ],
        description="飞行检查发现康复治疗记录与治疗师排班不符，涉嫌虚记治疗项目。",
    )
    if case is None:
        return
    yield t.at(sent_on, 10)
    refer(case, "yb_leader", ["省卫生健康委"], "请对该院诊疗行为依规核查。")
    # nobody signs: cron's timers remind 卫健's liaisons, then its leader, then list it for
    # the office's 督办, each on the working day it falls due


# 15. overdue at the leader-reminder stage: 公安 signed and has not decided on filing
def _overdue_at_leader(t):
    from workflow.calendar_rules import rule_due
    from workflow.nodes import escalation_at

    # signed on the latest working day whose 3-day filing period is so far past that the leader
    # has been reminded, and the office not yet
    def leader_reminded_only(day):
        due = rule_due("police_filing_decision", t.at(day, 11))
        return escalation_at(due, 2) < t.now - timedelta(hours=1) and escalation_at(
            due, 3
        ) > t.now + timedelta(hours=1)

    signed_on = t.latest_working_day(leader_reminded_only, default=4)
    if not leader_reminded_only(signed_on):  # right after a long holiday: a weekend duty day
        signed_on = next(
            (d for n in range(2, 25) if leader_reminded_only(d := t.today - timedelta(days=n))),
            signed_on,
        )
    referred_on = t.working_day_on_or_before(signed_on - timedelta(days=1))
    registered = t.at(t.working_day_on_or_before(referred_on - timedelta(days=1)), 9, 40)
    yield registered
    case = register(
        "yb_officer2",
        "参保人员倒卖医保药品案",
        source="police_notice",
        violations=["drug_resale"],
        amount="128900.00",
        subjects=[subject("insured", "孙某", id_no=id_number("22010419790806005"))],
        description="公安机关通报：孙某多次超量开具慢特病药品后转卖。",
    )
    if case is None:
        return
    yield t.at(referred_on, 9)
    referral = refer(case, "yb_leader", ["省公安厅"], "涉嫌倒卖医保药品，依法移送。")["省公安厅"]
    yield t.at(signed_on, 11)
    sign(case, referral)


# 16. closed 一案多查 with money recovered by two agencies
def _closed_two_agencies(t):
    registered = _days(t, 190, 9, 30)
    yield registered
    case = register(
        "yb_officer",
        "某连锁药店聚敛盗刷医保卡案",
        source="special_rectification",
        violations=["card_misuse"],
        amount="684000.00",
        subjects=[
            subject("pharmacy", "吉林省某连锁药房有限公司", credit_code=credit("91220000MA0Y2R6T9"))
        ],
        description="专项整治发现该药店收集参保人医保卡集中刷卡购药。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 10, 0)
    branches = refer(case, "yb_leader", ["省市场监管厅", "省药监局"], "请依职责查处。")
    yield t.later(registered, 2, 9, 30)
    sign(case, branches["省市场监管厅"])
    yield t.later(registered, 2, 10, 30)
    sign(case, branches["省药监局"])
    accepted = t.later(registered, 5, 10, 0)
    yield accepted
    accept(case, branches["省市场监管厅"])
    yield t.later(registered, 6, 15, 0)
    accept(case, branches["省药监局"])
    yield t.at(t.working_day_on_or_before(accepted.date() + timedelta(days=21)), 15, 0)
    report(case, branches["省药监局"], "吊销药品经营许可证。", "0", "50000.00")
    yield t.at(t.working_day_on_or_before(accepted.date() + timedelta(days=27)), 10, 0)
    report(case, branches["省市场监管厅"], "没收违法所得并处罚款。", "420000.00", "210000.00")
    yield t.at(t.working_days_after(accepted.date() + timedelta(days=27), 4), 10, 0)
    close(case, "yb_officer", "解除医保服务协议，追回全部基金。", recovered="264000.00")
    yield from approve_closing(
        t, case, returned="请补充解除服务协议的文书编号及追回款项的入库凭证。"
    )


# 18. other bodies refer too: 市场监管 sends a case to 医保, who is deciding on it
def _market_regulation_refers_to_yb(t):
    registered = _days(t, 5, 14, 0)
    yield registered
    case = register(
        "scjg_officer",
        "某医疗器械公司虚高定价涉嫌骗取医保基金线索",
        source="routine",
        violations=["over_standard_charge"],
        amount="267300.00",
        subjects=[
            subject(
                "institution",
                "吉林省某医疗器械有限公司",
                credit_code=credit("91220000MA0Y3F2C7"),
                note="价格监督检查中发现",
            )
        ],
        description="价格监督检查发现该公司向定点医院供应的骨科耗材虚高定价，涉嫌与医院共同骗取医保基金。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 10, 0)
    referral = refer(case, "scjg_leader", ["省医保局"], "请对涉及医保基金的问题依法核查。")[
        "省医保局"
    ]
    yield t.later(registered, 2, 9, 30)
    sign(case, referral)


# 19. an audit finding sent to 医保 and 纪委监委 at once; both handling it
def _audit_finding(t):
    registered = _days(t, 9, 10, 0)
    yield registered
    case = register(
        "sj_officer",
        "医保基金专项审计发现的违规支付问题",
        source="audit_finding",
        violations=["collusion", "false_reimbursement"],
        amount="1183600.00",
        subjects=[
            subject(
                "agency_staff",
                "钱某（某县医保经办机构负责人）",
                id_no=id_number("22030219780214001"),
            )
        ],
        description="专项审计发现某县医保经办机构违规向不符合条件的机构支付医保基金，相关负责人涉嫌失职渎职。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 10, 0)
    branches = refer(
        case,
        "sj_leader",
        ["省医保局", "省纪委监委"],
        "审计发现违规支付医保基金问题，请依职责处理。",
    )
    yield t.later(registered, 1, 15, 0)
    sign(case, branches["省医保局"])
    yield t.later(registered, 2, 9, 30)
    sign(case, branches["省纪委监委"])
    yield t.later(registered, 3, 10, 0)
    accept(case, branches["省医保局"], "已立案核查")
    yield t.later(registered, 5, 11, 0)
    accept(case, branches["省纪委监委"], "已按程序转第五监督检查室办理")
    yield _days(t, 2, 15, 0)
    progress(case, branches["省医保局"], "已追回违规支付资金43万元，其余部分正在核实。")


# 20. a city case handled in-house and closed with a fine
def _city_in_house_closed(t):
    registered = _days(t, 40, 9, 30)
    yield registered
    case = register(
        "ccyb_officer",
        "长春市某卫生院超标准收费线索",
        source="random",
        violations=["over_standard_charge"],
        amount="21800.00",
        subjects=[],
        description="双随机抽查发现该卫生院部分护理项目超标准收费。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 10, 0)
    decide(case, "ccyb_leader", "in_house", "金额较小，由本局依法处理。")
    yield t.later(registered, 15, 15, 0)
    close(
        case,
        "ccyb_officer",
        "责令退回超收费用并处罚款。",
        "21800.00",
        "43600.00",
        step="handle_in_house",
    )
    yield from approve_closing(t, case)


# 17. an approval pending at the city level
def _city_approval_pending(t):
    yield _days(t, 1, 10, 5)
    register(
        "ccyb_officer",
        "长春市某血液透析中心重复收费线索",
        source="smart_monitoring",
        violations=["duplicate_charge"],
        amount="73500.00",
        subjects=[],
        description="智能监控提示同一透析治疗重复收取耗材费用。",
    )


# 22. 结案审批 pending: the officer's closing report waits for the leader
def _closing_report_awaiting_approval(t):
    registered = _days(t, 30, 10, 0)
    yield registered
    case = register(
        "yb_officer2",
        "某民营医院虚记诊疗项目线索",
        source="self_inspection",
        violations=["over_standard_charge"],
        amount="68450.00",
        subjects=[],
        description="定点医疗机构自查自纠中发现部分病历虚记康复理疗项目，经核实后登记。",
    )
    if case is None:
        return
    yield t.later(registered, 1, 9, 40)
    decide(case, "yb_leader", "in_house", "事实清楚、金额较小，由本局依法处理。")
    yield _days(t, 1, 16, 10)
    close(
        case,
        "yb_officer2",
        "经核查，该院2026年虚记康复理疗项目涉及医保基金68450.00元，已全额追回，"
        "并依法处违规金额1倍罚款；已约谈医院负责人并责令整改。",
        "68450.00",
        "68450.00",
        step="handle_in_house",
    )
