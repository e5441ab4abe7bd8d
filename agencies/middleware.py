"""A person whose administrator required a new password changes it before anything else."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# what stays reachable: choosing the password, signing out, the language switch, static files
EXEMPT_URL_NAMES = (
    "password_change",
    "password_change_done",
    "logout",
    "set_language",
    "javascript-catalog",
)


class PasswordChangeRequiredMiddleware:
    """While User.must_change_password is set (agencies.services.password_change_require),
    every other page redirects to the password change, with a message saying why. Sits after
    the authentication and message middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _exempt(self, path: str) -> bool:
        if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
            return True
        return any(path == reverse(name) for name in EXEMPT_URL_NAMES)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not self._exempt(request.path)
        ):
            messages.warning(
                request,
                _(
                    "Your system administrator asks you to choose a new password before you "
                    "go on. Enter your current password and the new one below."
                ),
            )
            return redirect("password_change")
        return self.get_response(request)
