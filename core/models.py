"""Technical records the apps share. Not domain data: no history is kept for them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One submitted form, by the token it carried (core.submissions).

    A second submission of the same form — a double click, a refresh after posting, the back
    button and "send again" — finds this row and is answered with the first one's result
    instead of doing the work twice. Rows older than a day are purged as new ones arrive.
    """

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE
    )
    path = models.CharField(_("path"), max_length=200)
    created_at = models.DateTimeField(_("submitted at"), db_index=True)
    result_url = models.CharField(_("result"), max_length=500)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return f"{self.path} {self.token}"
