from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Organisation
from daigang.jobs.models import Job


def new_stream_key() -> str:
    return secrets.token_urlsafe(24)


class Room(models.Model):
    """One live session of an organisation: its page, chat and stream."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("即将开播")
        LIVE = "live", _("直播中")
        ENDED = "ended", _("直播已结束")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="rooms")
    title = models.CharField(_("直播标题"), max_length=80)
    planned_start = models.DateTimeField(_("计划开播时间"))
    jobs = models.ManyToManyField(Job, related_name="rooms", blank=True, verbose_name=_("岗位"))
    anchors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="anchored_rooms", verbose_name=_("主播")
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.SCHEDULED
    )
    stream_key = models.CharField(max_length=64, default=new_stream_key, unique=True)
    pinned_job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("直播间")
        verbose_name_plural = _("直播间")
        ordering = ["planned_start"]

    def __str__(self) -> str:
        return self.title
