"""URL converters: an id in a path is a positive integer that fits the database's bigint.

Django's `int` converter takes any run of digits, and a 23-digit id then reaches a query,
where SQLite raises OverflowError (a 500) instead of finding nothing. `<id:pk>` matches only
ids that can exist, so anything else is a plain 404 before a view runs.
"""

from core.forms import MAX_ID


class IdConverter:
    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("not a bigint")  # Django treats it as no match: 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))
