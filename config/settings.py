"""Xietong settings, read from the environment.

Production-safe by default: DEBUG off, a secret key required, secure cookies, HSTS, HTTPS
redirect and an explicit ALLOWED_HOSTS. Development defaults apply only when
XIETONG_ENV=development (set by `make run`) or XIETONG_ENV=test (the test settings).

Environment:
  XIETONG_ENV            production (default) | development | test
  DJANGO_SECRET_KEY      required in production
  DJANGO_ALLOWED_HOSTS   comma-separated; required in production
  DJANGO_DEBUG           1 to turn debugging on (never in production)
  DATABASE_URL           postgres://user:pass@host:5432/db; default: SQLite under var/
  XIETONG_DATA_DIR       where the SQLite database and uploaded files live (default: var/)
  XIETONG_SSL_REDIRECT   1 (default in production) redirects http to https
  XIETONG_PROXY_SSL      1 when a reverse proxy terminates TLS and sets X-Forwarded-Proto
  XIETONG_HSTS_SECONDS   HSTS max-age (default one year in production)
  XIETONG_CSRF_TRUSTED_ORIGINS  comma-separated https://host origins
  XIETONG_FONT_DIR       licensed document fonts that override the open ones (default: var/fonts)
  XIETONG_AUDIT_CHECKPOINT_DIR  where `audit_checkpoint` writes the signed chain heads
                         (default var/audit-checkpoints); put it where the database's owner
                         cannot write (another host, a write-once mount)
  XIETONG_AUDIT_CHECKPOINT_KEY  the HMAC key the checkpoints are signed with (never stored in
                         the database; default: derived from DJANGO_SECRET_KEY). Set it on its
                         own in production, so that rotating the secret key keeps old
                         checkpoints verifiable
  XIETONG_SYSTEM_START   first day of records, YYYY-MM-DD (default 2024-01-01): report periods
                         and searches cannot start earlier
  XIETONG_MAIL_FROM      sender of notifications, meeting notices and invitations
                         (default xietong@localhost)
  XIETONG_SITE_URL       the site's public address, e.g. https://xietong.ybj.jl.gov.cn: every
                         e-mail links to the task on it (default in production: https:// and
                         the first of DJANGO_ALLOWED_HOSTS; in development http://127.0.0.1:8000)
  EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS
                         the government mail relay (production); development prints mail

Sign-in protection (django-axes, counted in the database so that a lock holds across every
gunicorn worker and host):
  XIETONG_LOCKOUT_ACCOUNT_FAILURES  failed sign-ins to one account, from anywhere, before it is
                         locked (default 5)
  XIETONG_LOCKOUT_ADDRESS_FAILURES  failed sign-ins from one client address, to any accounts,
                         before that address is locked (default 20): password spraying
  XIETONG_LOCKOUT_MINUTES  how long a lock lasts, counted from the failure that set it
                         (default 15); a system administrator can lift it earlier in the admin
  XIETONG_PROXY_COUNT    number of reverse proxies in front of gunicorn that append to
                         X-Forwarded-For (default 0: the header is ignored and the client
                         address is the connection's REMOTE_ADDR). Behind one nginx with
                         `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;` set 1.
                         Never set it when clients can reach gunicorn directly: they could then
                         forge the header and dodge the per-address limit.
"""

import os
from datetime import date, timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import database_from_url, env_bool, env_date, env_int, env_list, env_site_url

BASE_DIR = Path(__file__).resolve().parent.parent

ENV = os.environ.get("XIETONG_ENV", "production").strip().lower()
if ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured(f"XIETONG_ENV={ENV!r} is not one of production, development, test.")
PRODUCTION = ENV == "production"

DATA_DIR = Path(os.environ.get("XIETONG_DATA_DIR", BASE_DIR / "var"))

# --- security -------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", default=ENV == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must not be on when XIETONG_ENV=production.")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set: production needs a long random secret key "
            "(for local development use `make run`, which sets XIETONG_ENV=development)."
        )
    SECRET_KEY = "insecure-development-key-never-used-in-production-" + ENV  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set: list the host names this site answers to, "
        "comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("XIETONG_CSRF_TRUSTED_ORIGINS", [])

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SECURE_SSL_REDIRECT = env_bool("XIETONG_SSL_REDIRECT", default=PRODUCTION)
if env_bool("XIETONG_PROXY_SSL", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("XIETONG_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- applications ---------------------------------------------------------------------
INSTALLED_APPS = [
    "config.apps.XietongAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "whitenoise.runserver_nostatic",
    "config.apps.XietongStaticFilesConfig",
    "django_filters",
    "simple_history",
    "viewflow",
    "viewflow.workflow",
    "core",
    "agencies",
    "audit",
    "workflow",
    "cases",
    "meetings",
    "documents",
    "notifications",
    "monitor",
    "stats",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous users are sent to the login page (viewflow alone would answer 403).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.middleware.PrivatePagesMiddleware",
    "config.middleware.PageSecurityPolicyMiddleware",
]

# Content-Security-Policy (django-csp) for every page: our own origin only, nothing inline
# but the nonce'd style of Turbo's progress bar, never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # {% submission_token %} in every POST form (core.submissions)
            "builtins": ["core.templatetags.submissions"],
        },
    },
]

# Widgets render through TEMPLATES, so our own widget templates (templates/xietong/widgets/)
# are found like any other template.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- database -------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "xietong.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock at BEGIN, so two writers queue
    # instead of one failing half-way (the audit chain relies on serialized appends).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "agencies.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- sign-in protection and passwords (django-axes; agencies/signin.py) -----------------
# Failed sign-ins are counted per account and per client address in axes' database table;
# past a limit the account or address is refused for XIETONG_LOCKOUT_MINUTES, with the
# login page saying why and until when. Every lockout and unlock is in the audit log.
INSTALLED_APPS.append("axes")
# axes' lockout check runs before the password is looked at; then the people themselves.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "agencies.signin.PersonBackend",
]
# The forced password change needs the signed-in user and the messages; axes' middleware turns
# a lockout into the login page with its message, and goes last as axes requires.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "agencies.middleware.PasswordChangeRequiredMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTH_PASSWORD_VALIDATORS.append({"NAME": "agencies.passwords.DemoPasswordValidator"})
# the same minimum length, with a message in Chinese (Django 5.2's has no zh-hans translation)
for _validator in AUTH_PASSWORD_VALIDATORS:
    if _validator["NAME"] == "django.contrib.auth.password_validation.MinimumLengthValidator":
        _validator["NAME"] = "agencies.passwords.MinimumLengthValidator"
del _validator
# In production the demo password opens demo accounts only (User.is_demo, set by seed_demo).
XIETONG_REFUSE_DEMO_PASSWORD = PRODUCTION


def _positive(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name}={value} must be 1 or more.")
    return value


AXES_HANDLER = "agencies.signin.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = _positive("XIETONG_LOCKOUT_ACCOUNT_FAILURES", 5)
XIETONG_ADDRESS_FAILURE_LIMIT = _positive("XIETONG_LOCKOUT_ADDRESS_FAILURES", 20)
AXES_COOLOFF_TIME = timedelta(minutes=_positive("XIETONG_LOCKOUT_MINUTES", 15))
# A correct password clears that account's failures (agencies.signin.LockoutHandler keeps the
# address's count: signing in to one's own account must not reset a spraying address).
AXES_RESET_ON_SUCCESS = True
# Attempts while locked are refused without checking the password and do not extend the lock,
# so the time the login page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "agencies.signin.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
XIETONG_PROXY_COUNT = env_int("XIETONG_PROXY_COUNT", 0)
if XIETONG_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"XIETONG_PROXY_COUNT={XIETONG_PROXY_COUNT} must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "agencies.signin.client_ip"
# Successful sign-ins are already in the audit log; the admin shows the failures (agencies.admin).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
# --- end of sign-in protection and passwords -----------------------------------------------

# --- language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "xietong_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# Production serves hashed, compressed copies (collectstatic writes them and the manifest).
PRODUCTION_STATICFILES_BACKEND = "whitenoise.storage.CompressedManifestStaticFilesStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": PRODUCTION_STATICFILES_BACKEND
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files live outside any web root and are only ever served through access checks.
MEDIA_ROOT = DATA_DIR / "files"
WHITENOISE_USE_FINDERS = not PRODUCTION
# Licensed fonts for official documents (方正小标宋, 仿宋_GB2312 …), named by role:
# xiaobiaosong.ttf, fangsong.ttf, heiti.ttf, kaiti.ttf (see documents/fonts.py).
XIETONG_FONT_DIR = Path(os.environ.get("XIETONG_FONT_DIR", DATA_DIR / "fonts"))
# Signed statements of the audit chain's head (audit/checkpoints.py), kept out of the database.
XIETONG_AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("XIETONG_AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit-checkpoints")
)
XIETONG_AUDIT_CHECKPOINT_KEY = os.environ.get("XIETONG_AUDIT_CHECKPOINT_KEY", "")

# --- mail: notifications (notifications/), meeting notices with their .ics invitation --
DEFAULT_FROM_EMAIL = os.environ.get("XIETONG_MAIL_FROM", "xietong@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
if ENV == "development":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


def _default_site_url() -> str:
    if not PRODUCTION:
        return "http://127.0.0.1:8000"
    first = ALLOWED_HOSTS[0]
    if first.startswith(".") or "*" in first:
        raise ImproperlyConfigured(
            f"XIETONG_SITE_URL is not set and DJANGO_ALLOWED_HOSTS starts with {first!r}: set "
            "XIETONG_SITE_URL=https://HOST, the address e-mail links point to."
        )
    return f"https://{first}"


# the links in e-mail point here (notifications/mail.py)
XIETONG_SITE_URL = env_site_url("XIETONG_SITE_URL", _default_site_url())

# --- logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"one_line": {"()": "config.logging.OneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "console_one_line": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["one_line"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "xietong": {"level": "INFO"},
        # a request for a host name we do not serve: one line, not a traceback
        "django.security.DisallowedHost": {
            "handlers": ["console_one_line"],
            "level": "WARNING",
            "propagate": False,
        },
    },
}

SITE_TITLE = _("Medical Insurance Fund Supervision Collaboration Platform")

# The first day this deployment holds records for: report periods and searches start here.
XIETONG_SYSTEM_START = env_date("XIETONG_SYSTEM_START", date(2024, 1, 1))
