"""开场提醒: a seeker opts in on an upcoming fair's page and is told (a notice on 我的报名 and an
SMS) shortly before it starts. Run `manage.py send_fair_reminders` every few minutes (cron);
each reminder goes out once, however often or on however many machines it runs.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import User
from daigang.core.languages import site_language
from daigang.core.refused import Refused
from daigang.core.times import local_time_text
from daigang.fairs.models import Fair, FairReminder
from daigang.hiring.notifications import notification_send


def fair_reminder_lead() -> dt.timedelta:
    """How long before a fair starts its reminders go out (settings.FAIR_REMINDER_LEAD_MINUTES)."""
    return dt.timedelta(minutes=settings.FAIR_REMINDER_LEAD_MINUTES)


def fair_reminder_set(*, fair: Fair, user: User, on: bool, now: dt.datetime | None = None) -> bool:
    """Opt `user` in to (on) or out of a reminder for `fair`; returns whether they are in.
    Repeating either is a no-op. Only a published fair that has not started takes new ones."""
    now = now or timezone.now()
    if not on:
        FairReminder.objects.filter(fair=fair, user=user).delete()
        return False
    if not fair.is_public() or fair.phase(now) != "upcoming":
        raise Refused("fair_started", _("招聘会已经开始或结束，不能再预约提醒"), status=409)
    FairReminder.objects.get_or_create(fair=fair, user=user, defaults={"created_at": now})
    return True


def fair_reminder_is_set(*, fair: Fair, user: User) -> bool:
    return FairReminder.objects.filter(fair=fair, user=user).exists()


def _message(fair: Fair) -> str:
    return _("【带岗】您预约的“%(title)s”将于%(time)s开始，打开带岗即可观看直播、一键报名。") % {
        "title": fair.title,
        "time": local_time_text(fair.starts_at),
    }


def fair_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send every reminder whose fair starts within the lead time (or has started, but not
    ended: a missed run still reminds), each once. Returns how many were sent.

    Each row is claimed by an UPDATE ... WHERE sent_at IS NULL before anything is sent, so
    two runs at once never send one twice; the notice is written in the same transaction and
    the SMS goes out when it commits."""
    now = now or timezone.now()
    due = FairReminder.objects.filter(
        sent_at__isnull=True,
        fair__status=Fair.Status.PUBLISHED,
        fair__starts_at__lte=now + fair_reminder_lead(),
        fair__ends_at__gt=now,
        user__is_active=True,
    ).select_related("fair", "user")
    sent = 0
    for reminder in due.order_by("pk").iterator(chunk_size=500):
        with transaction.atomic():
            claimed = FairReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
                sent_at=now
            )
            if not claimed:
                continue
            with site_language():
                text = _message(reminder.fair)
            notification_send(
                user=reminder.user,
                text=text,
                url=reverse("fairs:fair", args=[reminder.fair_id]),
            )
        sent += 1
    return sent
