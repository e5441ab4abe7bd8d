"""The 应移未移 monitor in the demo: the daily run a few weeks ago flags the closed cases that
reached the threshold (or were fraud, a group, agency staff) without a referral, and 省检察院
has since taken several of 省医保局's alerts through their states — one still open, one
explanation overdue and urged, one explained, one recommended and waiting for the leader, one
referred to 省公安厅 (the follow-up case signed for and under way), one answered with reasons,
one closed with reasons.

Idempotent: the run raises each alert once, and every step is taken only from the state it
starts from, so a second seeding finds every alert already where the story leaves it."""

from agencies.models import User
from cases.models import Referral
from monitor import services
from monitor.models import Alert

S = Alert.Status


def _user(name):
    return User.objects.get(username=name)


def _alerts():
    """省检察院's criminal alerts on 省医保局's cases not registered by its leader, in case
    number order (the same on every seeding)."""
    return list(
        Alert.objects.filter(
            to_agency__short_name="省检察院",
            case__agency__short_name="省医保局",
            rule__target="procuratorate",
        )
        .exclude(case__registered_by__username="yb_leader")
        .select_related("case")
        .order_by("case__number", "rule__code")
    )


def _step(alert, status, service, **kwargs):
    alert.refresh_from_db()
    if alert.status == status:
        service(alert=alert, **kwargs)


def _request(alert, text="请于7个工作日内书面说明该案未移送公安机关的理由及依据。"):
    _step(alert, S.OPEN, services.alert_request_explanation, user=_user("jcy_officer"), text=text)


def _recommend(alert):
    _step(
        alert,
        S.OPEN,
        services.alert_recommend_referral,
        user=_user("jcy_leader"),
        text="经审查，该案涉案金额已达到诈骗罪“数额较大”标准，依照《行政执法机关移送涉嫌犯罪案件的"
        "规定》建议你局将该案移送公安机关。",
    )


def monitor_story(t):
    yield t.at(t.working_days_ago(13), 7, 30)
    services.monitor_run()
    alerts = _alerts()
    if len(alerts) < 7:
        return
    (opened, overdue, explained, recommended, referred, answered, closed) = alerts[:7]
    del opened  # left open: 省检察院 has not looked at it yet

    yield t.at(t.working_days_ago(12), 10)
    _request(overdue)
    _request(explained)
    _request(closed)
    _recommend(answered)

    yield t.at(t.working_days_ago(11), 16)
    _step(
        answered,
        S.REFERRAL_RECOMMENDED,
        services.alert_answer,
        user=_user("yb_leader"),
        text="经局长办公会研究，涉案金额中符合诈骗罪构成的部分未达到立案追诉标准，已依法给予行政"
        "处罚并追回基金，不予移送。",
    )

    yield t.at(t.working_days_ago(10), 15)
    _step(
        explained,
        S.EXPLANATION_REQUESTED,
        services.alert_explain,
        user=_user("yb_officer"),
        text="该案违规金额已全额追回，涉案医院系初次违规，经集体研究决定给予行政处罚，未发现诈骗"
        "故意；相关材料已归档备查。",
    )
    _step(
        closed,
        S.EXPLANATION_REQUESTED,
        services.alert_explain,
        user=_user("yb_officer2"),
        text="经核实，涉案金额系医院计费系统错误所致，已全额退回，不具有非法占有目的。",
    )

    yield t.at(t.working_days_ago(9), 9, 30)
    _step(
        closed,
        S.EXPLAINED,
        services.alert_close,
        user=_user("jcy_liaison"),
        text="说明理由成立，结束监督。",
    )

    # recent, so that the follow-up referral's own deadlines have not run out by today
    yield t.at(t.working_days_ago(3), 10)
    _recommend(referred)

    yield t.at(t.working_days_ago(2), 11)
    _recommend(recommended)

    yield t.at(t.working_days_ago(2), 15)
    referred.refresh_from_db()
    if referred.status == S.REFERRAL_RECOMMENDED:
        services.alert_refer(
            alert=referred,
            user=_user("yb_leader"),
            summary="根据省人民检察院建议移送意见，该案涉嫌诈骗罪，现移送你厅依法审查。",
            team=list(referred.case.team.all()),
        )

    yield t.at(t.working_days_ago(1), 7, 30)
    services.monitor_run()  # the next daily run urges the overdue explanation (催办)

    yield t.at(t.working_days_ago(1), 9, 30)
    referred.refresh_from_db()
    if referred.referral_id and referred.referral.status == Referral.Status.SENT:
        from demo.steps import sign

        sign(referred.follow_up_case, referred.referral)
