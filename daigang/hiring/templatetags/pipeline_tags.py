"""Template helpers for the pipeline pages: durations in words, and the stages a card may
move to next."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

from daigang.hiring.models import Application, Notification
from daigang.hiring.notifications import NotificationCard, notification_card
from daigang.hiring.pipeline.selectors import StageOption, stage_options_forward

register = template.Library()


@register.filter
def duration_zh(value: dt.timedelta | None) -> str:
    """3天4小时 / 5小时12分钟 / 8分钟 / 不到1分钟."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d小时%(m)d分钟") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d分钟") % {"m": minutes}
    return _("不到1分钟")


@register.filter
def moves_for(application: Application, options: list[StageOption]) -> list[StageOption]:
    """Stages on the road ahead of `application` (not 不合适/已撤回: those have own forms)."""
    return [
        option
        for option in stage_options_forward(options=options, application=application)
        if not option.is_end
    ]


@register.filter(name="notification_card")
def notification_card_filter(notification: Notification) -> NotificationCard:
    """A notice as a card: its text without raw links, and buttons (进入面试, 加入日历, 查看)."""
    return notification_card(notification)
