"""Reading settings from the environment, with one-line errors for bad values.

Kept free of Django imports so that settings.py can use it before Django is set up.
"""

import os
from datetime import date
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_date(name: str, default: date) -> date:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a date (YYYY-MM-DD).") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


_DB_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}
_DB_HELP = "expected postgres://USER[:PASSWORD]@HOST[:PORT]/DBNAME or sqlite:///ABSOLUTE/PATH"


def database_from_url(url: str) -> dict:
    """Parse DATABASE_URL; refuse anything malformed with one line saying what is wrong."""
    import dj_database_url

    # Never echo a password back into logs.
    shown = url
    try:
        parts = urlsplit(url)
        if parts.password:
            shown = url.replace(parts.password, "***", 1)
        parts.port  # noqa: B018 -- raises ValueError on a non-numeric port
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL={shown!r} is malformed ({exc}); {_DB_HELP}."
        ) from None
    if parts.scheme not in _DB_SCHEMES or "://" not in url:
        raise ImproperlyConfigured(
            f"DATABASE_URL={shown!r} is malformed "
            f"(unsupported scheme {parts.scheme!r}); {_DB_HELP}."
        )
    if parts.scheme == "sqlite":
        if not parts.path or parts.path == "/":
            raise ImproperlyConfigured(
                f"DATABASE_URL={shown!r} names no database file; {_DB_HELP}."
            )
    else:
        if not parts.hostname and not parts.path.strip("/"):
            raise ImproperlyConfigured(
                f"DATABASE_URL={shown!r} names no host or database; {_DB_HELP}."
            )
        if not parts.path.strip("/"):
            raise ImproperlyConfigured(f"DATABASE_URL={shown!r} names no database; {_DB_HELP}.")
    try:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises a mix of ValueError/KeyError
        raise ImproperlyConfigured(
            f"DATABASE_URL={shown!r} is malformed ({exc}); {_DB_HELP}."
        ) from None


def env_site_url(name: str, default: str) -> str:
    """The site's public base URL (scheme and host, optional port; no path): e-mail links are
    built on it. A trailing slash is dropped."""
    raw = os.environ.get(name)
    value = (default if raw is None else raw).strip().rstrip("/")
    help_text = "expected https://HOST[:PORT] (the address people open the site at), no path"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError on a non-numeric port
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ImproperlyConfigured(f"{name}={value!r} is not a site address; {help_text}.")
    return value
