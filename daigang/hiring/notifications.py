"""Telling a user something: a Notification on their pages, and an SMS once it is committed.

Other apps (interviews, contracts) call `notification_send` too, so a seeker has one place
(我的报名) where everything about their applications shows up.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import QuerySet
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import User
from daigang.accounts.sms import SmsSendError, sms_send
from daigang.hiring.models import Application, Notification

logger = logging.getLogger(__name__)

NOTIFICATION_TEXT_MAX = 500


def notification_send(
    *,
    user: User,
    text: str,
    url: str = "",
    sms: bool = True,
    about: Application | None = None,
) -> None:
    """Store a Notification for `user` and, after the surrounding transaction commits, text it.

    `about`: the application an organisation's action concerns, when the seeker is told. If
    the seeker has withdrawn their consent to that organisation, nothing is stored or sent:
    the organisation may no longer contact them through the platform.

    The row is written in the caller's transaction (a rolled-back stage change leaves no
    notification); the SMS goes out only on commit, so nobody is told about a change that did
    not happen. A provider failure is logged, never raised: the change itself stands and the
    notification is still on the seeker's page.
    """
    if about is not None and about.consent_withdrawn_at is not None:
        logger.info("notification about application %s not sent: consent withdrawn", about.pk)
        return
    text = text.strip()[:NOTIFICATION_TEXT_MAX]
    Notification.objects.create(user=user, text=text, url=url[:300])
    if not sms or not user.phone:
        return
    phone = user.phone

    def _send() -> None:
        try:
            sms_send(phone=phone, message=text)
        except SmsSendError:
            logger.warning("notification SMS to user %s was not accepted", user.pk)

    transaction.on_commit(_send)


def notifications_of_user(*, user: User, limit: int = 20) -> QuerySet[Notification]:
    """The user's newest notifications (unread ones are marked by `read_at` being empty)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")[:limit]


def notifications_mark_read(*, user: User, now=None) -> int:
    """Mark all of the user's notifications read; returns how many were unread. Idempotent."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


# A link written into a notice's text for the SMS (which has no buttons). On a page it would be
# a long unbreakable string (586 px wide on a 360 px phone); the card shows buttons instead.
_LINK_IN_TEXT = re.compile(r"\s*https?://\S+\s*")


@dataclass(frozen=True)
class NotificationCard:
    """A notice as a page shows it: its text without links, and buttons (label, href)."""

    text: str
    actions: list[tuple[str, str]]


def notification_card(notification: Notification) -> NotificationCard:
    text = _LINK_IN_TEXT.sub(_("下方链接"), notification.text).strip()
    actions: list[tuple[str, str]] = []
    if notification.url:
        try:
            match = resolve(urlsplit(notification.url).path)
        except Resolver404:
            match = None
        if match is not None and match.view_name == "interviews:call":
            token = match.kwargs["token"]
            actions = [
                (_("进入面试"), notification.url),
                (_("加入日历"), reverse("interviews:invite", kwargs={"token": token})),
            ]
        elif match is not None and match.view_name == "hiring:apply":
            # A job recommended to the seeker (a matchmaker's): the link applies in one tap.
            actions = [(_("一键报名"), notification.url)]
        else:
            actions = [(_("查看"), notification.url)]
    return NotificationCard(text=text, actions=actions)
