"""Evaluation of the monitor's rules (pure reads; monitor/services.py writes the alerts).

A case is looked at once it is closed (Case.Status.CLOSED: handled in-house, or its referrals
finished) — a case closed as unfounded is not. Each rule kind answers "does this case fire,
and why" with the figures in the reason; the parameters of a rule (data, edited in the admin)
say which violation types and subject kinds it looks for.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencies.models import Agency, Region
from cases.models import Case, Referral, Subject, ViolationType
from monitor.models import FraudThreshold, MonitorRule

K = MonitorRule.Kind
# what a rule's parameters may name: violation type codes, subject kinds
RULE_PARAMETERS = ("violation_types", "subject_kinds")


@dataclass(frozen=True)
class Finding:
    rule: MonitorRule
    case: Case
    reason: str
    to_agency: Agency | None


def province_of(region: Region) -> Region | None:
    """The province a region belongs to (itself for a province); regions are three deep."""
    seen = 0
    while region is not None and region.level != Region.Level.PROVINCE and seen < 5:
        region = region.parent
        seen += 1
    return region


def threshold_on(province: Region | None, day, thresholds=None) -> FraudThreshold | None:
    """The province's threshold in force on `day` (a date)."""
    if province is None:
        return None
    rows = (
        thresholds.get(province.pk, [])
        if thresholds is not None
        else FraudThreshold.objects.filter(province=province)
    )
    for row in rows:
        if row.effective_from <= day and (row.effective_to is None or day <= row.effective_to):
            return row
    return None


def _might_fire(rules, thresholds) -> Q:
    """The rules' necessary conditions as one filter, so that the database hands over only
    the closed cases some rule could fire on (`evaluate` decides): without a live criminal
    referral and with an amount at the lowest threshold, a named violation type or party; or
    without a live discipline referral and with a named party or type."""
    live = Referral.objects.filter(case=OuterRef("pk")).exclude(status=Referral.Status.WITHDRAWN)
    types = Case.violation_types.through.objects.filter(case_id=OuterRef("pk"))
    parties = Subject.objects.filter(case_id=OuterRef("pk"))
    lowest = min((row.large for rows in thresholds.values() for row in rows), default=None)
    wanted = Q(pk__in=[])
    for rule in rules:
        params = rule.parameters or {}
        codes = params.get("violation_types", [])
        if rule.kind == K.DISCIPLINE_SUBJECT:
            kinds = params.get("subject_kinds", [Subject.Kind.AGENCY_STAFF])
            channel = Referral.Channel.DISCIPLINE
        else:
            kinds = params.get("subject_kinds", [Subject.Kind.GROUP])
            channel = Referral.Channel.CRIMINAL
        if rule.kind == K.AMOUNT_THRESHOLD:
            if lowest is None:
                continue
            why = Q(suspected_amount__gte=lowest) | Q(recovered_total__gte=lowest)
        else:
            why = Q(Exists(types.filter(violationtype__code__in=codes)))
            if rule.kind != K.FRAUD_VIOLATION:
                why |= Q(Exists(parties.filter(kind__in=kinds)))
        wanted |= why & ~Q(Exists(live.filter(channel=channel)))
    return wanted


def candidate_cases(rules=None, thresholds=None):
    """Closed cases some rule could fire on, with what the rules read about them (their
    agency is set from the caller's table: `findings`)."""
    cases = Case.objects.filter(status=Case.Status.CLOSED)
    if rules is not None and thresholds is not None:
        cases = cases.filter(_might_fire(rules, thresholds))
    return (
        cases.only(
            "pk",
            "number",
            "title",
            "agency_id",
            "registered_at",
            "suspected_amount",
            "recovered_total",
            "status",
        )
        .prefetch_related(
            Prefetch("violation_types", queryset=ViolationType.objects.only("code", "name")),
            Prefetch("subjects", queryset=Subject.objects.only("case_id", "kind", "name")),
            Prefetch(
                "referrals",
                queryset=Referral.objects.exclude(status=Referral.Status.WITHDRAWN).only(
                    "case_id", "channel", "status"
                ),
                to_attr="live_referrals",
            ),
        )
        .order_by("pk")
    )


def _has_channel(case: Case, channel: str) -> bool:
    referrals = getattr(case, "live_referrals", None)
    if referrals is None:
        referrals = case.referrals.exclude(status=Referral.Status.WITHDRAWN)
    return any(r.channel == channel for r in referrals)


def case_amount(case: Case) -> Decimal:
    """The suspected amount, or what was confirmed (recovered) when that is larger."""
    return max(case.suspected_amount or Decimal("0"), case.recovered_total or Decimal("0"))


def _yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def _recipient(case: Case, rule: MonitorRule, recipients) -> Agency | None:
    kind = (
        Agency.Kind.PROCURATORATE
        if rule.target == MonitorRule.Target.PROCURATORATE
        else Agency.Kind.DISCIPLINE
    )
    if recipients is not None:
        return recipients.get((kind, case.agency.region_id))
    return Agency.objects.filter(kind=kind, region_id=case.agency.region_id, is_active=True).first()


def _named_violations(case, params) -> list[str]:
    """The case's violation types that the rule names, by name."""
    wanted = set(params.get("violation_types", []))
    return [vt.name for vt in case.violation_types.all() if vt.code in wanted]


def _named_subjects(case, params, *, default) -> list[str]:
    """The case's parties of the kinds the rule names (`default` when it names none)."""
    wanted = set(params.get("subject_kinds", [default]))
    return [s.name for s in case.subjects.all() if s.kind in wanted]


def evaluate(rule: MonitorRule, case: Case, *, thresholds=None) -> str | None:
    """Why `rule` fires on `case` (the alert's reason, in the site's language), or None."""
    params = rule.parameters or {}
    types = _named_violations(case, params)
    if rule.kind == K.DISCIPLINE_SUBJECT:
        if _has_channel(case, Referral.Channel.DISCIPLINE):
            return None
        names = _named_subjects(case, params, default=Subject.Kind.AGENCY_STAFF)
        if not names and not types:
            return None
        what = "、".join(names + types)
        return _(
            "Rule %(rule)s: the case involves insurance-agency staff or public officials "
            "(%(what)s) and was closed without a discipline referral (行纪移送)."
        ) % {"rule": rule.name, "what": what}
    if _has_channel(case, Referral.Channel.CRIMINAL):
        return None
    if rule.kind == K.AMOUNT_THRESHOLD:
        province = province_of(case.agency.region)
        day = timezone.localdate(case.registered_at)
        threshold = threshold_on(province, day, thresholds)
        if threshold is None:
            return None
        amount = case_amount(case)
        if amount < threshold.large:
            return None
        return _(
            "Rule %(rule)s: the amount %(amount)s reaches the 数额较大 threshold of "
            "%(threshold)s in force in %(province)s on %(date)s, and the case was closed "
            "without a criminal referral."
        ) % {
            "rule": rule.name,
            "amount": _yuan(amount),
            "threshold": _yuan(threshold.large),
            "province": province.name,
            "date": day.isoformat(),
        }
    if rule.kind == K.FRAUD_VIOLATION:
        if not types:
            return None
        return _(
            "Rule %(rule)s: the violation types (%(types)s) are fraud, and the case was closed "
            "without a criminal referral."
        ) % {"rule": rule.name, "types": "、".join(types)}
    if rule.kind == K.ORGANISED_GROUP:
        groups = _named_subjects(case, params, default=Subject.Kind.GROUP)
        if not groups and not types:
            return None
        return _(
            "Rule %(rule)s: organised fraud (%(what)s), and the case was closed without a "
            "criminal referral."
        ) % {"rule": rule.name, "what": "、".join(groups + types)}
    return None


def findings(cases=None, rules=None):
    """Every (rule, case) that fires, with its reason and the agency the alert goes to."""
    rules = list(rules if rules is not None else MonitorRule.objects.filter(active=True))
    thresholds: dict[int, list] = {}
    for row in FraudThreshold.objects.order_by("effective_from"):
        thresholds.setdefault(row.province_id, []).append(row)
    recipients = {}
    for agency in Agency.objects.filter(
        kind__in=[Agency.Kind.PROCURATORATE, Agency.Kind.DISCIPLINE], is_active=True
    ).order_by("-pk"):
        recipients[(agency.kind, agency.region_id)] = agency  # the lowest pk wins
    agencies = {a.pk: a for a in Agency.objects.select_related("region__parent__parent")}
    if cases is None:
        cases = candidate_cases(rules, thresholds).iterator(chunk_size=500)
    with translation.override(settings.LANGUAGE_CODE):
        for case in cases:
            if case.agency_id in agencies:
                case.agency = agencies[case.agency_id]  # one query for all the agencies
            for rule in rules:
                reason = evaluate(rule, case, thresholds=thresholds)
                if reason:
                    yield Finding(
                        rule=rule,
                        case=case,
                        reason=reason,
                        to_agency=_recipient(case, rule, recipients),
                    )
