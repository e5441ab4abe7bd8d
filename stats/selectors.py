"""The figures of the statistics page (统计分析), computed in the database.

Every figure is counted over the rows of the user's scope (stats.access.StatsScope: every
unit's rows, or what the user's unit sees in the ledger, the 纪委监委 compartment apart) and
the page's filters (StatsFilters). A figure is dated by its own step: a clue by its
registration, a referral by its sending, signing, filing or result (the same dates the case
ledger filters by), so each number drills down to the ledger rows behind it (`ledger_url`).

Each table is a fixed number of grouped queries (values() / annotate() with conditional
Count and Sum), whatever the number of rows; only the median and 90th percentile of the days a
step took are taken in Python, over one list of durations. Money is Decimal, to the fen.
"""

import math
import statistics
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.status import STATUS

from agencies.models import Agency, Region
from cases.ledger import PARTIES, STAGES
from cases.models import Case, Referral, ViolationType
from workflow.selectors import deadlined_steps_q, step_state_q

FEN = Decimal("0.01")
ZERO = Decimal("0")
OPEN = [STATUS.NEW, STATUS.ASSIGNED]

COUNT, MONEY, RATE, DAYS = "count", "money", "rate", "days"


class PeriodKind:
    MONTH, QUARTER, YEAR = "month", "quarter", "year"
    CHOICES = [
        (MONTH, gettext_lazy("Month")),
        (QUARTER, gettext_lazy("Quarter")),
        (YEAR, gettext_lazy("Year")),
    ]
    MONTHS = {MONTH: 1, QUARTER: 3, YEAR: 12}
    TRUNC = {MONTH: TruncMonth, QUARTER: TruncQuarter, YEAR: TruncYear}


DIMENSIONS = [
    ("period", gettext_lazy("Period")),
    ("agency", gettext_lazy("Agency")),
    ("level", gettext_lazy("Level")),
    ("source", gettext_lazy("Source")),
    ("violation", gettext_lazy("Violation type")),
    ("channel", gettext_lazy("Channel")),
    ("outcome", gettext_lazy("Handling outcome")),
]


@dataclass(frozen=True)
class StatsFilters:
    date_from: date
    date_to: date
    kind: str = PeriodKind.MONTH
    dimension: str = "agency"
    agency: Agency | None = None
    level: str = ""
    source: str = ""
    violation: ViolationType | None = None
    channel: str = ""

    @property
    def narrowed(self) -> bool:
        """A filter beyond the period is set (the 纪委监委 total line is then left out: a total
        of a slice would be a breakdown)."""
        return bool(
            self.agency is not None
            or self.level
            or self.source
            or self.violation is not None
            or self.channel
        )


# -- dates ---------------------------------------------------------------------------------


def period_start(day: date, kind: str) -> date:
    if kind == PeriodKind.YEAR:
        return date(day.year, 1, 1)
    if kind == PeriodKind.QUARTER:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, day.month, 1)


def shift_months(day: date, months: int) -> date:
    """`day` moved by whole months; the last day of a month stays the last day."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    last = monthrange(year, month)[1]
    is_last = day.day == monthrange(day.year, day.month)[1]
    return date(year, month, last if is_last else min(day.day, last))


def period_end(start: date, kind: str) -> date:
    return shift_months(start, PeriodKind.MONTHS[kind]) - timedelta(days=1)


def periods(start: date, end: date, kind: str) -> list[date]:
    """The first days of the periods from `start` to `end`."""
    found, current = [], period_start(start, kind)
    while current <= end:
        found.append(current)
        current = shift_months(current, PeriodKind.MONTHS[kind])
    return found


def period_label(start: date, kind: str) -> str:
    if kind == PeriodKind.YEAR:
        return _("Year %(year)s") % {"year": start.year}
    if kind == PeriodKind.QUARTER:
        return _("Q%(quarter)s %(year)s") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    return date_format(start, "YEAR_MONTH_FORMAT")


def default_filters(today: date | None = None) -> StatsFilters:
    """This month and the eleven before it, by month."""
    today = today or timezone.localdate()
    start = max(shift_months(date(today.year, today.month, 1), -11), settings.XIETONG_SYSTEM_START)
    return StatsFilters(date_from=period_start(start, PeriodKind.MONTH), date_to=today)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def in_range(field_name: str, start: date, end: date) -> Q:
    """`field_name` (a datetime) on a day from `start` to `end` (Asia/Shanghai)."""
    return Q(
        **{
            f"{field_name}__gte": _moment(start),
            f"{field_name}__lt": _moment(end + timedelta(days=1)),
        }
    )


def record_bounds(start: date, end: date) -> tuple[date, date] | None:
    """The part of a range the ledger's dates accept (system start to today), or None."""
    first, last = settings.XIETONG_SYSTEM_START, timezone.localdate()
    start, end = max(start, first), min(end, last)
    return (start, end) if start <= end else None


# -- the drill-down ------------------------------------------------------------------------


def ledger_url(filters: StatsFilters, start: date, end: date, **params) -> str | None:
    """The case ledger's rows behind a number: the page's filters, the number's period (on
    its own date basis) and whatever else picks it out (`params`; None drops a filter)."""
    bounds = record_bounds(start, end)
    if bounds is None:
        return None
    query = {
        "date_from": bounds[0].isoformat(),
        "date_to": bounds[1].isoformat(),
        "agency": filters.agency.pk if filters.agency is not None else None,
        "level": filters.level,
        "source": filters.source,
        "violation": filters.violation.pk if filters.violation is not None else None,
        "channel": filters.channel,
    }
    query.update(params)
    query = {key: value for key, value in query.items() if value not in (None, "", False)}
    return f"{reverse('cases:ledger')}?{urlencode(query)}"


# -- what is counted -----------------------------------------------------------------------

RESULT = Q(status=Referral.Status.RESULT_REPORTED)


@dataclass(frozen=True)
class Measure:
    key: str
    label: object
    base: str  # "case" or "referral"
    date: str  # the datetime field that dates it
    money: str | None = None  # the field summed; None: a count
    where: Q = field(default_factory=Q)
    ledger: tuple = ()  # (name, value) pairs of the ledger's filters beyond the period

    @property
    def kind(self):
        return MONEY if self.money else COUNT

    def aggregate(self, start, end, date_field=None):
        window = in_range(date_field or self.date, start, end) & self.where
        if self.money:
            return Sum(self.money, filter=window)
        return Count("pk", filter=window)


MEASURES = {
    m.key: m
    for m in (
        Measure(
            "registered",
            gettext_lazy("Clues registered"),
            "case",
            "registered_at",
            ledger=(("basis", "registered"),),
        ),
        Measure(
            "suspected",
            gettext_lazy("Suspected amount (yuan)"),
            "case",
            "registered_at",
            money="suspected_amount",
            ledger=(("basis", "registered"),),
        ),
        Measure(
            "referred_out",
            gettext_lazy("Referrals sent"),
            "referral",
            "sent_at",
            ledger=(("basis", "sent"),),
        ),
        Measure(
            "referred",
            gettext_lazy("Referred"),
            "referral",
            "sent_at",
            ledger=(("basis", "sent"),),
        ),
        Measure(
            "signed",
            gettext_lazy("Signed for"),
            "referral",
            "signed_at",
            ledger=(("basis", "signed"),),
        ),
        Measure(
            "filed",
            gettext_lazy("Filed (立案)"),
            "referral",
            "filed_at",
            ledger=(("basis", "filed"),),
        ),
        Measure(
            "results",
            gettext_lazy("Results reported"),
            "referral",
            "finished_at",
            where=RESULT,
            ledger=(("basis", "result"), ("status", "result_reported")),
        ),
        Measure(
            "recovered",
            gettext_lazy("Recovered (yuan)"),
            "referral",
            "finished_at",
            money="recovered",
            where=RESULT,
            ledger=(("basis", "result"), ("status", "result_reported")),
        ),
        Measure(
            "fines",
            gettext_lazy("Fines (yuan)"),
            "referral",
            "finished_at",
            money="fines",
            where=RESULT,
            ledger=(("basis", "result"), ("status", "result_reported")),
        ),
    )
}

MAIN = ("registered", "suspected", "referred", "signed", "filed", "results", "recovered", "fines")
DIMENSION_MEASURES = {
    "period": MAIN,
    "agency": (
        "registered",
        "suspected",
        "referred_out",
        "referred",
        "signed",
        "filed",
        "results",
        "recovered",
        "fines",
    ),
    "level": MAIN,
    "source": MAIN,
    "violation": MAIN,
    "channel": ("referred", "signed", "filed", "results", "recovered", "fines"),
}

# what a measure's rows are grouped by, per dimension (None: it does not apply)
GROUP_FIELDS = {
    "agency": {"case": "agency", "referral": "to_agency", "referred_out": "from_agency"},
    "level": {"case": "agency__region__level", "referral": "case__agency__region__level"},
    "source": {"case": "source", "referral": "case__source"},
    "violation": {"case": "violation_types", "referral": "case__violation_types"},
    "channel": {"referral": "channel"},
}
# the ledger's "agency as" for each measure's agency
PARTY = {"case": "registered", "referral": "receiver", "referred_out": "sender"}


def _group_field(dimension, measure):
    fields = GROUP_FIELDS[dimension]
    return fields.get(measure.key) or fields.get(measure.base)


def _money(value) -> Decimal:
    """A sum as Decimal to the fen (SQLite sums decimals as floats)."""
    if value is None:
        return ZERO.quantize(FEN)
    return Decimal(str(value)).quantize(FEN)


def _value(measure, value):
    return _money(value) if measure.money else (value or 0)


# -- the rows counted ----------------------------------------------------------------------


def _case_q(scope, filters) -> Q:
    q = Q()
    if filters.agency is not None:
        party = scope.referrals().filter(case=OuterRef("pk")).filter(PARTIES[""](filters.agency))
        q &= Q(agency=filters.agency) | Q(Exists(party))
    if filters.level:
        q &= Q(agency__region__level=filters.level)
    if filters.source:
        q &= Q(source=filters.source)
    if filters.violation is not None:
        q &= Q(violation_types=filters.violation)
    if filters.channel:
        q &= Q(Exists(scope.referrals().filter(case=OuterRef("pk"), channel=filters.channel)))
    return q


def _referral_q(filters) -> Q:
    q = Q()
    if filters.agency is not None:
        q &= PARTIES[""](filters.agency)
    if filters.level:
        q &= Q(case__agency__region__level=filters.level)
    if filters.source:
        q &= Q(case__source=filters.source)
    if filters.violation is not None:
        q &= Q(case__violation_types=filters.violation)
    if filters.channel:
        q &= Q(channel=filters.channel)
    return q


def _task_q(filters) -> Q:
    q = deadlined_steps_q()
    if filters.agency is not None:
        q &= Q(agency=filters.agency)
    if filters.level:
        q &= Q(case__agency__region__level=filters.level)
    if filters.source:
        q &= Q(case__source=filters.source)
    if filters.violation is not None:
        q &= Q(case__violation_types=filters.violation)
    if filters.channel:
        q &= Q(referral__channel=filters.channel)
    return q


def rows_of(scope, base, filters, compartment=False):
    """The cases or referrals a figure counts: the scope's (or its 纪委监委 compartment's)."""
    if base == "case":
        rows = scope.compartment_cases() if compartment else scope.cases()
        return rows if compartment else rows.filter(_case_q(scope, filters))
    rows = scope.compartment_referrals() if compartment else scope.referrals()
    return rows if compartment else rows.filter(_referral_q(filters))


# -- tables --------------------------------------------------------------------------------


@dataclass
class Cell:
    value: object
    kind: str = COUNT
    url: str | None = None
    label: object = ""


@dataclass
class Row:
    label: str
    cells: list
    key: object = None


@dataclass
class Column:
    key: str
    label: object
    kind: str = COUNT


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list
    total: Row | None = None
    compartment: Row | None = None  # the 纪委监委（合计） line
    note: str = ""

    def __post_init__(self):
        # each cell knows its column's label (data-label on a phone, where rows are cards)
        for row in [*self.rows, self.total, self.compartment]:
            for cell, column in zip(row.cells if row else [], self.columns, strict=False):
                cell.label = column.label

    def series(self, key) -> list:
        index = [c.key for c in self.columns].index(key)
        return [row.cells[index].value for row in self.rows]


COMPARTMENT_LABEL = gettext_lazy("纪委监委（合计）")


def _measure_cells(measures, values, url_of) -> list:
    return [Cell(_value(m, values.get(m.key)), m.kind, url_of(m)) for m in measures]


def _compartment_row(scope, filters, measures, start, end) -> Row | None:
    """One line of totals of the 纪委监委 compartment (the convenor's and auditors'), over
    the period only; left out when the page is narrowed by another filter."""
    if not scope.shows_compartment_total or filters.narrowed:
        return None
    values = {}
    for base in ("case", "referral"):
        mine = [m for m in measures if m.base == base]
        if mine:
            values.update(
                rows_of(scope, base, filters, compartment=True).aggregate(
                    **{m.key: m.aggregate(start, end) for m in mine}
                )
            )
    channel = {"channel": Referral.Channel.DISCIPLINE}

    def url(m):
        params = dict(m.ledger, **channel) if m.base == "referral" else dict(m.ledger)
        return ledger_url(filters, start, end, **params)

    return Row(str(COMPARTMENT_LABEL), _measure_cells(measures, values, url))


def _labels(dimension, keys) -> dict:
    if dimension == "agency":
        agencies = Agency.objects.filter(pk__in=keys).select_related("region")
        return {
            a.pk: (a.short_name or a.name, (a.region.code, a.sort_order, a.name)) for a in agencies
        }
    if dimension == "violation":
        types = ViolationType.objects.filter(pk__in=keys)
        return {v.pk: (v.name, (v.category, v.sort_order, v.code)) for v in types}
    choices = {
        "level": Region.Level.choices,
        "source": Case.Source.choices,
        "channel": Referral.Channel.choices,
    }[dimension]
    return {value: (str(label), i) for i, (value, label) in enumerate(choices)}


def _link_params(dimension, measure, key) -> dict:
    params = dict(measure.ledger)
    if dimension == "agency":
        params.update(agency=key, party=PARTY.get(measure.key) or PARTY[measure.base])
    else:
        params[dimension] = key
    return params


def breakdown(scope, filters: StatsFilters) -> Table:
    """The main figures by the chosen dimension, with their 合计 (and, for the convenor and
    auditors, the 纪委监委（合计） line)."""
    dimension = filters.dimension
    if dimension == "period":
        return by_period(scope, filters)
    if dimension == "outcome":
        return by_outcome(scope, filters)
    start, end = filters.date_from, filters.date_to
    measures = [MEASURES[key] for key in DIMENSION_MEASURES[dimension]]
    groups: dict = {}
    totals: dict = {}
    by_query: dict = {}
    for m in measures:
        by_query.setdefault((m.base, _group_field(dimension, m)), []).append(m)
    for (base, group), mine in by_query.items():
        rows = rows_of(scope, base, filters)
        window = reduce(or_, [in_range(m.date, start, end) & m.where for m in mine])
        aggregates = {m.key: m.aggregate(start, end) for m in mine}
        for found in rows.filter(window).order_by().values(group).annotate(**aggregates):
            if found[group] is not None:
                groups.setdefault(found[group], {}).update({m.key: found[m.key] for m in mine})
        totals.update(rows.filter(window).aggregate(**aggregates))
    labels = _labels(dimension, list(groups))
    table_rows = []
    for key in sorted(groups, key=lambda k: labels.get(k, (str(k), ()))[1]):

        def url(m, key=key):
            return ledger_url(filters, start, end, **_link_params(dimension, m, key))

        label = labels.get(key, (str(key), None))[0]
        table_rows.append(Row(label, _measure_cells(measures, groups[key], url), key=key))

    def total_url(m):
        return ledger_url(filters, start, end, **dict(m.ledger))

    note = ""
    if dimension == "violation":
        note = _("A case of several violation types is counted under each of them.")
    elif dimension == "agency":
        note = _(
            "Clues by the registering unit, referrals sent by the referring unit, the rest by "
            "the receiving unit."
        )
    return Table(
        key="breakdown",
        title=_("By %(dimension)s") % {"dimension": dict(DIMENSIONS)[dimension]},
        columns=[Column(m.key, _column_label(dimension, m), m.kind) for m in measures],
        rows=table_rows,
        total=Row(str(_("Total (合计)")), _measure_cells(measures, totals, total_url)),
        compartment=_compartment_row(scope, filters, measures, start, end),
        note=note,
    )


def _column_label(dimension, measure):
    if dimension == "agency" and measure.key == "referred":
        return _("Referrals received")
    return measure.label


def by_period(scope, filters: StatsFilters) -> Table:
    """The main figures per month, quarter or year (Asia/Shanghai): one grouped query per
    date the figures are dated by."""
    start, end, kind = filters.date_from, filters.date_to, filters.kind
    measures = [MEASURES[key] for key in MAIN]
    trunc = PeriodKind.TRUNC[kind]
    tz = timezone.get_current_timezone()
    values: dict = {}
    totals: dict = {}
    by_query: dict = {}
    for m in measures:
        by_query.setdefault((m.base, m.date, m.where), []).append(m)
    for (base, date_field, where), mine in by_query.items():
        rows = rows_of(scope, base, filters).filter(in_range(date_field, start, end) & where)
        aggregates = {
            m.key: (Sum(m.money) if m.money else Count("pk")) for m in mine
        }  # the window is the query's filter
        found = (
            rows.annotate(period=trunc(date_field, tzinfo=tz))
            .order_by()
            .values("period")
            .annotate(**aggregates)
        )
        for row in found:
            moment = row["period"]
            day = moment.date() if isinstance(moment, datetime) else moment
            if isinstance(moment, datetime) and timezone.is_aware(moment):
                day = timezone.localtime(moment, tz).date()
            values.setdefault(period_start(day, kind), {}).update({m.key: row[m.key] for m in mine})
            for m in mine:
                totals[m.key] = (totals.get(m.key) or 0) + (row[m.key] or 0)
    table_rows = []
    for first in periods(start, end, kind):
        last = min(period_end(first, kind), end)
        first_day = max(first, start)

        def url(m, first_day=first_day, last=last):
            return ledger_url(filters, first_day, last, **dict(m.ledger))

        table_rows.append(
            Row(
                period_label(first, kind),
                _measure_cells(measures, values.get(first, {}), url),
                first,
            )
        )

    def total_url(m):
        return ledger_url(filters, start, end, **dict(m.ledger))

    return Table(
        key="breakdown",
        title=_("By period"),
        columns=[Column(m.key, m.label, m.kind) for m in measures],
        rows=table_rows,
        total=Row(str(_("Total (合计)")), _measure_cells(measures, totals, total_url)),
        compartment=_compartment_row(scope, filters, measures, start, end),
    )


def by_outcome(scope, filters: StatsFilters) -> Table:
    """Results reported in the period by outcome (one referral may have several): one
    aggregate query of conditional counts and sums."""
    start, end = filters.date_from, filters.date_to
    window = in_range("finished_at", start, end) & RESULT
    rows = rows_of(scope, "referral", filters).filter(window)
    aggregates = {"n": Count("pk"), "r": Sum("recovered"), "f": Sum("fines")}
    for code in Referral.Outcome.values:
        has = Q(outcomes__icontains=f'"{code}"')  # the JSON list's text: the same on both DBs
        aggregates[f"n_{code}"] = Count("pk", filter=has)
        aggregates[f"r_{code}"] = Sum("recovered", filter=has)
        aggregates[f"f_{code}"] = Sum("fines", filter=has)
    found = rows.aggregate(**aggregates)
    measures = [MEASURES["results"], MEASURES["recovered"], MEASURES["fines"]]
    table_rows = []
    for code, label in Referral.Outcome.choices:
        values = {
            "results": found[f"n_{code}"],
            "recovered": found[f"r_{code}"],
            "fines": found[f"f_{code}"],
        }
        if not values["results"]:
            continue

        def url(m, code=code):
            return ledger_url(filters, start, end, basis="result", outcome=code)

        table_rows.append(Row(str(label), _measure_cells(measures, values, url), code))
    totals = {"results": found["n"], "recovered": found["r"], "fines": found["f"]}

    def total_url(m):
        return ledger_url(filters, start, end, **dict(m.ledger))

    return Table(
        key="breakdown",
        title=_("By %(dimension)s") % {"dimension": _("Handling outcome")},
        columns=[Column(m.key, m.label, m.kind) for m in measures],
        rows=table_rows,
        total=Row(str(_("Total (合计)")), _measure_cells(measures, totals, total_url)),
        compartment=_compartment_row(scope, filters, measures, start, end),
        note=_("A result with several outcomes is counted under each of them."),
    )


# -- 同比 and 环比 ---------------------------------------------------------------------------


def comparison_ranges(filters: StatsFilters) -> dict:
    """The latest period of the range, the one before it (环比), the same period a year
    earlier (同比), and the whole range with the same range a year earlier (累计同比)."""
    kind, end = filters.kind, filters.date_to
    latest = max(period_start(end, kind), filters.date_from)
    months = PeriodKind.MONTHS[kind]
    return {
        "latest": (latest, end),
        "previous": (shift_months(latest, -months), shift_months(end, -months)),
        "year_ago": (shift_months(latest, -12), shift_months(end, -12)),
        "range": (filters.date_from, end),
        "range_year_ago": (shift_months(filters.date_from, -12), shift_months(end, -12)),
    }


def change(current, base) -> Decimal | None:
    """The change from `base` to `current` in per cent (one decimal), None without a base."""
    if not base:
        return None
    return ((Decimal(current) - Decimal(base)) * 100 / Decimal(base)).quantize(Decimal("0.1"))


def comparison(scope, filters: StatsFilters) -> Table:
    """本期 / 上期 / 环比 / 去年同期 / 同比, and the range's 累计 with its 同比: one query of
    conditional aggregates per kind of row."""
    ranges = comparison_ranges(filters)
    measures = [MEASURES[key] for key in MAIN]
    values: dict = {}
    for base in ("case", "referral"):
        mine = [m for m in measures if m.base == base]
        window = reduce(
            or_, [in_range(m.date, *r) & m.where for m in mine for r in ranges.values()]
        )
        aggregates = {
            f"{m.key}__{name}": m.aggregate(*r) for m in mine for name, r in ranges.items()
        }
        values.update(rows_of(scope, base, filters).filter(window).aggregate(**aggregates))
    kind = filters.kind
    latest = ranges["latest"][0]
    columns = [
        Column("latest", _("This period (%(period)s)") % {"period": period_label(latest, kind)}),
        Column("previous", _("Previous period")),
        Column("mom", _("Change on the previous period (环比, %)"), RATE),
        Column("year_ago", _("Same period last year")),
        Column("yoy", _("Change on last year (同比, %)"), RATE),
        Column("range", _("Whole range (累计)")),
        Column("range_year_ago", _("Same range last year")),
        Column("range_yoy", _("Cumulative change on last year (累计同比, %)"), RATE),
    ]
    rows = []
    for m in measures:
        got = {name: _value(m, values.get(f"{m.key}__{name}")) for name in ranges}

        def cell(name, m=m, got=got):
            a, b = ranges[name]
            return Cell(got[name], m.kind, ledger_url(filters, a, b, **dict(m.ledger)))

        rows.append(
            Row(
                str(m.label),
                [
                    cell("latest"),
                    cell("previous"),
                    Cell(change(got["latest"], got["previous"]), RATE),
                    cell("year_ago"),
                    Cell(change(got["latest"], got["year_ago"]), RATE),
                    cell("range"),
                    cell("range_year_ago"),
                    Cell(change(got["range"], got["range_year_ago"]), RATE),
                ],
                key=m.key,
            )
        )
    return Table(
        key="comparison",
        title=_("This period against the previous one and last year"),
        columns=columns,
        rows=rows,
        note=(
            _("Without the 纪委监委 compartment: its totals are the last line of the tables below.")
            if scope.shows_compartment_total
            else ""
        ),
    )


# -- the referral funnel -------------------------------------------------------------------

FUNNEL = [
    ("sent", gettext_lazy("Referred"), None),
    ("signed", gettext_lazy("Signed for"), "signed"),
    ("accepted", gettext_lazy("Accepted or filed"), "accepted"),
    ("result", gettext_lazy("Result reported"), "result"),
]


def funnel(scope, filters: StatsFilters) -> Table:
    """The referrals sent in the period and how far they have gone since (sent → signed →
    accepted/filed → result), per channel: one grouped query."""
    start, end = filters.date_from, filters.date_to
    rows = rows_of(scope, "referral", filters).filter(in_range("sent_at", start, end))
    aggregates = {"sent": Count("pk")}
    aggregates.update({key: Count("pk", filter=STAGES[stage]) for key, _l, stage in FUNNEL[1:]})
    found = {
        row["channel"]: row for row in rows.order_by().values("channel").annotate(**aggregates)
    }
    columns = [Column(key, label) for key, label, _s in FUNNEL]
    columns.append(Column("rate", _("Results per referral (%)"), RATE))

    def cells(values, channel):
        out = [
            Cell(
                values.get(key, 0),
                COUNT,
                ledger_url(
                    filters,
                    start,
                    end,
                    basis="sent",
                    stage=stage,
                    channel=channel or filters.channel,
                ),
            )
            for key, _l, stage in FUNNEL
        ]
        out.append(Cell(share(values.get("result", 0), values.get("sent", 0)), RATE))
        return out

    table_rows = [
        Row(str(label), cells(found[value], value), value)
        for value, label in Referral.Channel.choices
        if value in found
    ]
    totals = {key: sum(row.get(key, 0) for row in found.values()) for key, _l, _s in FUNNEL}
    compartment = None
    if scope.shows_compartment_total and not filters.narrowed:
        inner = rows_of(scope, "referral", filters, compartment=True).filter(
            in_range("sent_at", start, end)
        )
        compartment = Row(
            str(COMPARTMENT_LABEL),
            cells(inner.aggregate(**aggregates), Referral.Channel.DISCIPLINE),
        )
    return Table(
        key="funnel",
        title=_("The referral funnel"),
        columns=columns,
        rows=table_rows,
        total=Row(str(_("Total (合计)")), cells(totals, "")),
        compartment=compartment,
        note=_("Referrals sent in the period, and how many of them have reached each step."),
    )


# -- deadlines: on time, overdue, 督办, days per step --------------------------------------

# the statutory steps in the order of the flow
STEP_ORDER = [
    "approve",
    "handle_in_house",
    "receive",
    "supplement",
    "decide",
    "respond",
    "reconsider",
    "supervise",
    "file_on_notice",
    "handover",
    "investigate",
    "close",
    "approve_close",
]


def _timeliness_aggregates(start, end, now):
    """The window of steps a deadlines table looks at and its counts, by the one rule of a
    step's deadline state (workflow.selectors.step_state_q, which the ledger filters by)."""
    bounds = {"start": _moment(start), "end": _moment(end + timedelta(days=1)), "now": now}
    states = {key: step_state_q(key, **bounds) for key in DEADLINE_KEYS}
    window = (
        in_range("due_at", start, end)
        | step_state_q("overdue", **bounds)
        | step_state_q("supervised", **bounds)
    )
    aggregates = {key: Count("pk", filter=q) for key, q in states.items()}
    return window, aggregates


DEADLINE_KEYS = ("on_time", "late", "pending", "overdue", "supervised")


def share(part, whole) -> Decimal | None:
    """`part` of `whole` in per cent (one decimal), None when there is no whole."""
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def _rate(on_time, late) -> Decimal | None:
    return share(on_time, on_time + late)


TIMELINESS_COLUMNS = [
    ("on_time", gettext_lazy("Done on time"), COUNT),
    ("late", gettext_lazy("Late"), COUNT),
    ("rate", gettext_lazy("On-time rate (%)"), RATE),
    ("pending", gettext_lazy("Not yet due"), COUNT),
    ("overdue", gettext_lazy("Overdue now"), COUNT),
    ("supervised", gettext_lazy("Under 督办"), COUNT),
]


def _timeliness_cells(values, url_of) -> list:
    cells = []
    for key, _label, kind in TIMELINESS_COLUMNS:
        if key == "rate":
            cells.append(Cell(_rate(values.get("on_time") or 0, values.get("late") or 0), RATE))
        else:
            cells.append(Cell(values.get(key) or 0, kind, url_of(key)))
    return cells


def timeliness(scope, filters: StatsFilters, *, now=None) -> Table:
    """Per acting agency: the steps whose deadline fell in the period done on time or late
    (open past its deadline counts as late), the on-time rate, the steps overdue now and those
    put under 督办 in the period (the deadlines the ledger shows: CaseTask.due_at)."""
    now = now or timezone.now()
    start, end = filters.date_from, filters.date_to
    window, aggregates = _timeliness_aggregates(start, end, now)
    tasks = scope.tasks().filter(_task_q(filters)).filter(window)
    found = {r["agency"]: r for r in tasks.order_by().values("agency").annotate(**aggregates)}
    totals = tasks.aggregate(**aggregates)
    labels = _labels("agency", list(found))

    def url_for(agency):
        def url(key):
            return _steps_url(filters, key, agency=agency)

        return url

    rows = [
        Row(labels[key][0], _timeliness_cells(found[key], url_for(key)), key)
        for key in sorted(found, key=lambda k: labels[k][1])
    ]
    compartment = None
    if scope.shows_compartment_total and not filters.narrowed:
        inner = scope.compartment_tasks().filter(_task_q(filters)).filter(window)
        compartment = Row(
            str(COMPARTMENT_LABEL),
            _timeliness_cells(inner.aggregate(**aggregates), url_for(None)),
        )
    return Table(
        key="timeliness",
        title=_("Deadlines by agency"),
        columns=[Column(k, label, kind) for k, label, kind in TIMELINESS_COLUMNS],
        rows=rows,
        total=Row(str(_("Total (合计)")), _timeliness_cells(totals, url_for(None))),
        compartment=compartment,
        note=_(
            "Steps whose deadline fell in the period, by the agency that had to act; a step "
            "still open after its deadline counts as late."
        ),
    )


def _steps_url(filters, state, *, agency=None, step=None):
    """The ledger's rows holding the steps a deadlines number counts: a step in `state`
    (workflow.selectors.step_state_q, the rule both count by) dated in the period (overdue:
    open past its deadline now), of `step`, taken by `agency` (else the page's agency)."""
    query = {
        "deadline": state,
        "step": step,
        "step_agency": agency
        if agency is not None
        else (filters.agency.pk if filters.agency is not None else None),
        "level": filters.level,
        "source": filters.source,
        "violation": filters.violation.pk if filters.violation is not None else None,
        "channel": filters.channel,
    }
    if state != "overdue":
        bounds = record_bounds(filters.date_from, filters.date_to)
        if bounds is None:
            return None
        query.update(date_from=bounds[0].isoformat(), date_to=bounds[1].isoformat())
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{reverse('cases:ledger')}?{urlencode(query)}"


def _step_name(node) -> str:
    """The flow node's attribute name (approve, receive, …); the database gives the node."""
    return getattr(node, "name", None) or str(node).rsplit(".", 1)[-1]


def _step_title(node) -> str:
    return str(getattr(node, "task_title", None) or _step_name(node))


def percentile(values: list, fraction: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `fraction` of the
    values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def steps(scope, filters: StatsFilters, *, now=None) -> Table:
    """Per statutory step: on time, late, rate, overdue now, 督办 (one grouped query), and
    the median and 90th percentile of the days the steps done in the period took (one list of
    durations, the percentiles taken here)."""
    now = now or timezone.now()
    start, end = filters.date_from, filters.date_to
    window, aggregates = _timeliness_aggregates(start, end, now)
    tasks = scope.tasks().filter(_task_q(filters))
    found, nodes = {}, {}
    for row in tasks.filter(window).order_by().values("task__flow_task").annotate(**aggregates):
        name = _step_name(row["task__flow_task"])
        found[name], nodes[name] = row, row["task__flow_task"]
    durations: dict = {}
    done = tasks.filter(in_range("task__finished", start, end), task__status=STATUS.DONE)
    for node, created, finished in done.values_list(
        "task__flow_task", "task__created", "task__finished"
    ):
        name = _step_name(node)
        nodes.setdefault(name, node)
        durations.setdefault(name, []).append((finished - created).total_seconds() / 86400)
    order = {name: i for i, name in enumerate(STEP_ORDER)}
    columns = [Column(k, label, kind) for k, label, kind in TIMELINESS_COLUMNS] + [
        Column("median", _("Median days"), DAYS),
        Column("p90", _("90th percentile, days"), DAYS),
        Column("done", _("Done in the period"), COUNT),
    ]

    rows = []
    for name in sorted(nodes, key=lambda n: (order.get(n, 99), n)):
        spans = durations.get(name, [])

        def url(key, name=name):
            return _steps_url(filters, key, step=name)

        cells = _timeliness_cells(found.get(name, {}), url)
        cells += [
            Cell(_days(statistics.median(spans)) if spans else None, DAYS),
            Cell(_days(percentile(spans, 0.9)), DAYS),
            Cell(len(spans), COUNT, url("done")),
        ]
        rows.append(Row(_step_title(nodes[name]), cells, name))
    return Table(
        key="steps",
        title=_("Deadlines and days by step"),
        columns=columns,
        rows=rows,
        note=_(
            "Days from the step's arrival to its completion, calendar days; the 90th "
            "percentile by the nearest rank."
        ),
    )


def _days(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


FIGURES = {
    "comparison": comparison,
    "breakdown": breakdown,
    "funnel": funnel,
    "timeliness": timeliness,
    "steps": steps,
}
