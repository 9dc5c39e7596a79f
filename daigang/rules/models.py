from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeLimitedWork(models.Model):
    """A kind of work whose nature justifies an age limit (heavy lifting, work at height…).

    Moderators keep this list in the admin. A job of any other kind of work must accept seekers
    up to AGE_MAX_FLOOR (daigang.rules.ages).
    """

    kind_of_work = models.CharField(_("工种"), max_length=30, unique=True)
    reason = models.CharField(_("理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("允许限制年龄的工种")
        verbose_name_plural = _("允许限制年龄的工种")
        ordering = ["kind_of_work"]

    def __str__(self) -> str:
        return self.kind_of_work
