"""Passwords: the published demo password is for the demo accounts only.

`DEMO_PASSWORD` is printed in the README for everyone to try the demo. `manage.py seed_demo`
gives it to the demo accounts directly (a hash, not through a form), and nobody may choose it
through any form — the password change, the admin's set-password and add-person forms,
`createsuperuser` — because of `DemoPasswordValidator` in AUTH_PASSWORD_VALIDATORS. In
production agencies.signin.PersonBackend also refuses it at sign-in for every account that is
not a demo account, in case it was set some other way.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEMO_PASSWORD = "Xietong@2026"  # noqa: S105 -- the documented demo password, demo data only


def is_demo_password(password: str) -> bool:
    """The demo password, whatever the letter case or the spaces around it."""
    return constant_time_compare(str(password).strip().casefold(), DEMO_PASSWORD.casefold())


class DemoPasswordValidator:
    """Refuses the published demo password."""

    def validate(self, password, user=None):
        if is_demo_password(password):
            raise ValidationError(
                _(
                    "This is the published demo password, which anyone can look up. "
                    "Choose a password of your own."
                ),
                code="password_is_demo",
            )

    def get_help_text(self):
        return _("Your password can’t be the published demo password.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule, with a message our catalogue translates: Django 5.2 reworded its own
    and its zh-hans catalogue has no translation for the new wording."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: it must have at least %(min_length)d character.",
            "This password is too short: it must have at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
