"""Reminders before an organisation's verification (six months) or an agency's HR service
licence ends: an SMS to each owner and a notice on the organisation's page, 30 and 7 days
before. Run daily by `manage.py send_verification_reminders`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Membership, Organisation, VerificationReminder
from daigang.accounts.sms import SmsSendError, sms_send
from daigang.core.languages import site_language

logger = logging.getLogger(__name__)

# Days before the end on which owners are reminded, most urgent last.
REMINDER_DAYS: tuple[int, ...] = (30, 7)
Subject = VerificationReminder.Subject


@dataclasses.dataclass(frozen=True)
class DueReminder:
    organisation: Organisation
    subject: str
    ends_on: dt.date
    days_before: int


def _step(days_left: int) -> int | None:
    """The reminder a date `days_left` ahead calls for: the most urgent one it has reached.
    A run missed on day 30 still reminds on day 29; one that first runs at day 5 sends only
    the 7-day reminder, not both."""
    reached = [days for days in REMINDER_DAYS if 0 <= days_left <= days]
    return min(reached) if reached else None


def reminders_due(*, now: dt.datetime | None = None) -> list[DueReminder]:
    """Reminders that today calls for, whether or not already sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=max(REMINDER_DAYS))
    # Only organisations near an end are read; which reminder each needs is decided below.
    near = Q(
        verified_until__lte=timezone.make_aware(dt.datetime.combine(horizon, dt.time.max))
    ) | Q(
        kind=Organisation.Kind.AGENCY,
        hr_licence_expires_on__gte=today,
        hr_licence_expires_on__lte=horizon,
    )
    candidates = Organisation.objects.filter(
        near, status=Organisation.Status.VERIFIED, verified_until__gt=now
    )
    due: list[DueReminder] = []
    for organisation in candidates.order_by("pk"):
        for subject, ends_on in organisation.ends().items():
            step = _step((ends_on - today).days)
            if step is not None:
                due.append(
                    DueReminder(
                        organisation=organisation,
                        subject=subject,
                        ends_on=ends_on,
                        days_before=step,
                    )
                )
    return due


def _message(reminder: DueReminder, today: dt.date) -> str:
    values = {
        "name": reminder.organisation.name,
        "date": reminder.ends_on.isoformat(),
        "days": (reminder.ends_on - today).days,
    }
    if reminder.subject == Subject.LICENCE:
        return (
            _(
                "【带岗】%(name)s的人力资源服务许可证将于%(date)s到期（还剩%(days)d天）。"
                "到期后岗位和直播间将对求职者隐藏，请上传新许可证并申请重新认证。"
            )
            % values
        )
    return (
        _(
            "【带岗】%(name)s的平台认证将于%(date)s到期（还剩%(days)d天）。"
            "到期后岗位和直播间将对求职者隐藏，请登录平台申请重新认证。"
        )
        % values
    )


def _owner_phones(organisation: Organisation) -> list[str]:
    return [
        membership.user.phone
        for membership in Membership.objects.filter(
            organisation=organisation, role=Membership.Role.OWNER, user__is_active=True
        ).select_related("user")
        if not membership.user.is_deleted
    ]


def verification_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send the reminders due today, each once (a VerificationReminder row claims it before
    the SMS goes out; safe to run as often as you like, from several machines). Returns how
    many reminders were sent. When no owner's SMS could be handed over, the claim is undone
    so the next run tries again; the notice on the page stays as long as a row exists."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for reminder in reminders_due(now=now):
        try:
            with transaction.atomic():
                record = VerificationReminder.objects.create(
                    organisation=reminder.organisation,
                    subject=reminder.subject,
                    ends_on=reminder.ends_on,
                    days_before=reminder.days_before,
                    sent_at=now,
                )
        except IntegrityError:
            continue  # already sent
        with site_language():
            message = _message(reminder, today)
        phones = _owner_phones(reminder.organisation)
        delivered = 0
        for phone in phones:
            try:
                sms_send(phone=phone, message=message)
            except SmsSendError:
                logger.warning("verification reminder SMS to organisation %s failed", record.pk)
            else:
                delivered += 1
        if phones and not delivered:
            record.delete()
            continue
        sent += 1
    return sent
