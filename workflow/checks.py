"""System check: a coming year without holiday data (xietong.W010).

A database check (tagged `database`): it reads the loaded years, so it runs only when the
check is given a database — `manage.py migrate` (every deploy), `manage.py check --database
default` — and not in `manage.py check --deploy`, which CI runs on a fresh database where no
year is ever loaded: that would fail CI every November and December for a fact about data,
not code. The same fact shows on every page for the administrators (the banner).
"""

from datetime import date

from django.core.checks import Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, connections

from workflow.selectors import years_without_holiday_data


@register(Tags.database)
def holiday_data(app_configs=None, databases=None, today: date | None = None, **kwargs):
    """`today` is for tests; Django passes only app_configs and databases."""
    if not databases or DEFAULT_DB_ALIAS not in databases:
        return []
    from workflow.models import HolidayYear

    connection = connections[DEFAULT_DB_ALIAS]
    if HolidayYear._meta.db_table not in connection.introspection.table_names():
        return []  # before the first migrate
    return [
        Warning(
            f"No holiday data for {year}: deadlines in {year} count Monday to Friday, "
            f"without its public holidays and adjusted working days (调休).",
            hint=(
                f"Write {year}'s file from the State Council's notice and run: "
                f"manage.py load_holidays FILE (README: Each November: next year's holidays)."
            ),
            id="xietong.W010",
        )
        for year in years_without_holiday_data(today=today)
    ]
