"""Policy explainers (政策解读) that public employment bureaus publish, and 宣策 rooms.

A policy belongs to one bureau and one region (the bureau's own or one below it) and applies to
everyone in that region and below it. It is public while published and within its validity;
an expired one leaves the lists but its page still answers, marked 已过期.

A room of a bureau becomes a policy session (宣策, PolicySession) when it is marked so or when
its anchor first pins a policy in it; the row holds the policy pinned now.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Organisation
from daigang.live.models import Room
from daigang.regions.models import Region


class Policy(models.Model):
    class Kind(models.TextChoices):
        SUBSIDY = "subsidy", _("补贴")
        SOCIAL_INSURANCE = "social_insurance", _("社保")
        TALENT = "talent", _("人才政策")
        STARTUP = "startup", _("创业")
        TRAINING = "training", _("培训")
        OTHER = "other", _("其他")

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    bureau = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="policies", verbose_name=_("发布机构")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("适用地区")
    )
    kind = models.CharField(_("政策类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("政策名称"), max_length=80)
    summary = models.TextField(_("一句话说明"), max_length=400)
    eligibility = models.TextField(_("谁可以申请"), max_length=2000)
    how_to_apply = models.TextField(_("怎么申请"), max_length=2000)
    valid_from = models.DateField(_("生效日期"))
    # Empty: no end date (长期有效).
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    # " tok1 tok2 … ": the jieba tokens of the texts, region and bureau (jobs.search).
    search_text = models.TextField(blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        indexes = [models.Index(fields=["state", "region"], name="policies_state_region")]

    def __str__(self) -> str:
        return self.title

    def is_expired(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.valid_until is not None and self.valid_until < today

    def is_public(self, today: dt.date | None = None) -> bool:
        """Published and not expired: listed and searchable."""
        return self.state == self.State.PUBLISHED and not self.is_expired(today)


class PolicySession(models.Model):
    """A bureau's room as a 宣策 session: its anchor pins policies instead of jobs."""

    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="policy_session")
    pinned = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("宣策直播")
        verbose_name_plural = _("宣策直播")

    def __str__(self) -> str:
        return f"{self.room_id}"
