"""Who may see a monitor alert and who may act on it now — the one home of these rules.

An alert is seen by its recipient (the same-level 检察院, or 纪委监委 for the discipline rule),
by the agency whose case it is about, and by auditors (read-only, every read logged);
anyone else gets a 404. The recipient sees a summary of the case made for supervision
(`case_summary`), never the case page itself: opening it is logged (`monitor.summary_read`).

Each action has its `*_refusal(user, alert)`: None when the user may take it now, otherwise
the reason in Chinese. Services enforce them after locking the alert; views, templates and
the to-do lists ask them, so nothing is offered that the user could not complete.
"""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from agencies.access import Ability, can
from agencies.models import Agency
from audit.services import record_event, record_read
from cases.access import may_see_id_numbers
from monitor.models import Alert, MonitorRule

S = Alert.Status

# recipient steps: which states they may be taken from
REQUEST_FROM = {S.OPEN, S.EXPLAINED, S.ANSWERED}
RECOMMEND_FROM = {S.OPEN, S.EXPLAINED}
CLOSE_FROM = {S.OPEN, S.EXPLAINED, S.ANSWERED, S.REFERRED}
# the recipient's people who supervise: its leader, liaison and officers (检察官/检察官助理)
SUPERVISING = (Ability.APPROVE_CASE, Ability.HANDLE_CASE, Ability.RECEIVE_REFERRAL)


def visible_alerts_q(user) -> Q:
    """The alerts `user` may see, as a filter (lists, counts and the getter share it)."""
    if can(user, Ability.READ_ALL_CASES):
        return Q()
    agency_id = getattr(user, "agency_id", None)
    if not agency_id or not getattr(user, "is_active", False):
        return Q(pk__in=[])
    return Q(to_agency_id=agency_id) | Q(case__agency_id=agency_id)


def access_alert(user, pk: int) -> Alert:
    """The alert, or 404 for anyone but its recipient, the case's agency and auditors.

    An auditor's read is logged (`monitor.read_by_auditor`); the recipient's reading of the
    case summary is logged as `monitor.summary_read` by the alert page (`log_summary_read`)."""
    alert = (
        Alert.objects.filter(visible_alerts_q(user), pk=pk)
        .select_related(
            "case__agency",
            "rule",
            "to_agency",
            "follow_up_case",
            "referral__to_agency",
        )
        .first()
    )
    if alert is None:
        raise Http404
    record_read(user, family="monitor", what=str(alert), obj=alert.case, data={"alert": alert.pk})
    return alert


def is_recipient(user, alert: Alert) -> bool:
    return bool(getattr(user, "agency_id", None)) and user.agency_id == alert.to_agency_id


def is_case_agency(user, alert: Alert) -> bool:
    return bool(getattr(user, "agency_id", None)) and user.agency_id == alert.case.agency_id


def log_summary_read(user, alert: Alert) -> None:
    """The recipient reads the supervision summary of another agency's case: a visibility
    that exists only through the alert, so every reading is in the log."""
    if is_recipient(user, alert) and not is_case_agency(user, alert):
        record_event(
            action="monitor.summary_read",
            actor=user,
            obj=alert.case,
            summary=_("Read the supervision summary of case %(number)s")
            % {"number": alert.case.number},
            data={"alert": alert.pk},
        )


def _supervises(user) -> bool:
    return any(can(user, ability) for ability in SUPERVISING)


def _recipient_refusal(user, alert: Alert, allowed: set) -> str | None:
    if can(user, Ability.READ_ALL_CASES):
        return _("Auditors read alerts; they do not act on them.")
    if not is_recipient(user, alert):
        return _("This step is for %(agency)s, which received the alert.") % {
            "agency": alert.to_agency.name
        }
    if not _supervises(user):
        return _("In your agency this step is for its leader, liaison or officers.")
    if alert.status not in allowed:
        return _("Not possible while the alert is “%(status)s”.") % {
            "status": alert.get_status_display()
        }
    return None


def request_refusal(user, alert: Alert) -> str | None:
    """要求说明理由: the recipient asks the case's agency to explain why it did not refer."""
    return _recipient_refusal(user, alert, REQUEST_FROM)


def recommend_refusal(user, alert: Alert) -> str | None:
    """建议移送: the recipient recommends the referral; the agency's leader must decide."""
    refusal = _recipient_refusal(user, alert, RECOMMEND_FROM)
    if refusal is None and referral_target(alert) is None:
        return _("There is no active %(kind)s at the case agency's level to refer it to.") % {
            "kind": target_kind(alert).label
        }
    return refusal


def close_refusal(user, alert: Alert) -> str | None:
    """The recipient closes the alert (with reasons)."""
    return _recipient_refusal(user, alert, CLOSE_FROM)


def _agency_refusal(user, alert: Alert, status, ability: Ability, holders: str) -> str | None:
    if can(user, Ability.READ_ALL_CASES):
        return _("Auditors read alerts; they do not act on them.")
    if not is_case_agency(user, alert):
        return _("This step is for %(agency)s, whose case it is.") % {
            "agency": alert.case.agency.name
        }
    if alert.status != status:
        return _("Not possible while the alert is “%(status)s”.") % {
            "status": alert.get_status_display()
        }
    if not can(user, ability):
        return holders
    return None


def explain_refusal(user, alert: Alert) -> str | None:
    """The case's agency explains why the case was not referred (its officers or leader)."""
    return _agency_refusal(
        user,
        alert,
        S.EXPLANATION_REQUESTED,
        Ability.HANDLE_CASE,
        _("In your agency the explanation is written by its case officers or leader."),
    )


def answer_refusal(user, alert: Alert) -> str | None:
    """The agency's leader answers a 建议移送 with reasons for not referring."""
    return _agency_refusal(
        user,
        alert,
        S.REFERRAL_RECOMMENDED,
        Ability.APPROVE_CASE,
        _("Only your agency's leader decides on a recommendation to refer."),
    )


def refer_refusal(user, alert: Alert) -> str | None:
    """The agency's leader refers the case on the recommendation (the follow-up case). The
    follow-up case carries the original registration, so its registrant cannot approve it —
    as for every case (审批 by a leader other than the registrant)."""
    refusal = answer_refusal(user, alert)
    if refusal:
        return refusal
    if referral_target(alert) is None:
        return _("There is no active %(kind)s at your agency's level to refer it to.") % {
            "kind": target_kind(alert).label
        }
    if alert.case.registered_by_id == user.pk:
        return _("The person who registered a case cannot also approve its referral.")
    return None


def target_kind(alert: Alert):
    """Where a recommended referral goes: 公安 for the criminal rules, 纪委监委 for the
    discipline rule."""
    if alert.rule.target == MonitorRule.Target.DISCIPLINE:
        return Agency.Kind.DISCIPLINE
    return Agency.Kind.PUBLIC_SECURITY


def referral_target(alert: Alert) -> Agency | None:
    """The same-level agency the case would be referred to (公安 or 纪委监委)."""
    return (
        Agency.objects.filter(
            kind=target_kind(alert), region_id=alert.case.agency.region_id, is_active=True
        )
        .order_by("pk")
        .first()
    )


ACTIONS = (
    ("request", request_refusal),
    ("recommend", recommend_refusal),
    ("explain", explain_refusal),
    ("refer", refer_refusal),
    ("answer", answer_refusal),
    ("close", close_refusal),
)


def alert_actions(user, alert: Alert) -> list[str]:
    """The steps `user` may take on `alert` now (what the alert page offers)."""
    return [name for name, refusal in ACTIONS if refusal(user, alert) is None]


def awaiting_q(user) -> Q:
    """The alerts waiting for `user` to act — the same rules as the refusals, for lists: the
    recipient's supervisors for open/explained/answered/referred alerts (to decide or close),
    the case agency's officers for a requested explanation, its leader for a recommendation.
    """
    agency_id = getattr(user, "agency_id", None)
    if not agency_id or can(user, Ability.READ_ALL_CASES):
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if _supervises(user):
        q |= Q(to_agency_id=agency_id, status__in=[S.OPEN, S.EXPLAINED, S.ANSWERED])
    if can(user, Ability.HANDLE_CASE):
        q |= Q(case__agency_id=agency_id, status=S.EXPLANATION_REQUESTED)
    if can(user, Ability.APPROVE_CASE):
        q |= Q(case__agency_id=agency_id, status=S.REFERRAL_RECOMMENDED)
    return q


def case_summary(user, alert: Alert) -> dict:
    """What the recipient needs for supervision: number, title, registering agency, parties
    (ID numbers masked unless the user's agency may see them), violation types, amounts,
    outcomes and closing date — never the description, informant, evidence or tasks."""
    case = alert.case
    referrals = list(case.referrals.select_related("to_agency").order_by("sent_at"))
    full_ids = is_case_agency(user, alert) and may_see_id_numbers(user, case, referrals)
    outcomes = []
    for referral in referrals:
        outcomes.append(
            {
                "agency": referral.to_agency.short_name or referral.to_agency.name,
                "channel": referral.get_channel_display(),
                "status": referral.get_status_display(),
                "outcomes": "、".join(str(label) for label in referral.outcome_labels),
            }
        )
    return {
        "case": case,
        "subjects": [
            {
                "name": s.name,
                "kind": s.get_kind_display(),
                "identifier": s.identifier_for(full_id_numbers=full_ids),
            }
            for s in case.subjects.all()
        ],
        "violation_types": [str(v) for v in case.violation_types.all()],
        "referrals": outcomes,
    }
