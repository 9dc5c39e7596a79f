"""A seeker deletes their account (PIPL art. 47).

What the law makes the platform keep is kept, anonymised; everything else goes:

- kept: every application, with its stages and times (the organisation's records and numbers;
  signed and onboarded ones also back a labour contract), its name replaced by
  DELETED_USER_NAME and its phone removed; signed contracts exactly as signed (the signed text is
  the legal record, its fingerprint must still verify); interview seats and chat messages,
  whose sender now reads "已注销用户". How long the kept applications stay: README "Personal
  information" (the retention job, daigang.privacy.services.retention).
- silenced: their voice in the room replays that recorded them on mic (连麦), by the
  `redact_replays` job (daigang.replays.redaction); the rest of each replay stays.
- removed: notifications, the seeker's own withdrawal and decline reasons, the organisation's
  notes and tags on applications that never reached 已签约, onboarding check-in answers, the
  names and phones on contracts not yet signed by both, pending SMS codes for the number.
- the User row stays (records point at it) but cannot log in: inactive, no usable password,
  its phone replaced by a non-number, so the number can register afresh as a new account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import (
    DELETED_PHONE_PREFIX,
    DELETED_USER_NAME,
    Membership,
    PhoneCode,
    PhoneDevice,
    SeekerProfile,
    User,
)
from daigang.contracts.models import CheckIn, Contract, Offer
from daigang.courses.services import seeker_courses_delete
from daigang.fairs.models import FairReminder
from daigang.hiring.models import STAGE_ROAD, Application, Note, Notification, Stage, StageChange
from daigang.matchmaking.guidance import guidance_bookings_release
from daigang.matchmaking.models import Assistance, Case, Dismissal
from daigang.replays.redaction import guest_voice_redact

DELETED_NAME = DELETED_USER_NAME
# Applications that reached 已签约 back a contract: their notes stay with them.
SIGNED_RANK = STAGE_ROAD.index(Stage.SIGNED)
# Apps above privacy anonymise their own records of a deleted seeker from their
# AppConfig.ready() (safety: the reports they made): hook(user), inside the deleting
# transaction, with the user's row locked and not yet anonymised.
account_deleted_hooks: list[Callable[[User], None]] = []
# DELETED_PHONE_PREFIX + 10 digits fills the 11 characters of User.phone.
_DELETED_ID_DIGITS = 10


class AccountDeleteRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def deleted_phone(*, user_id: int) -> str:
    if user_id >= 10**_DELETED_ID_DIGITS:
        raise ValueError("user id too long for a deleted-account phone")
    return f"{DELETED_PHONE_PREFIX}{user_id:0{_DELETED_ID_DIGITS}d}"


def account_delete(*, user: User, now: dt.datetime | None = None) -> bool:
    """Delete `user`'s account as described above; returns False if it already was.

    Refused (AccountDeleteRefused) for moderators and members of an organisation: their
    account carries the organisation's work, they leave it first."""
    if user.is_staff:
        raise AccountDeleteRefused(_("审核员账号不能在这里注销，请联系平台管理员"))
    if Membership.objects.filter(user=user).exists():
        raise AccountDeleteRefused(_("您是某个单位的成员，请先退出或移交单位后再注销"))
    at = now or timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_deleted:
            return False
        phone = locked.phone
        applications = Application.objects.filter(seeker=locked)
        unsigned = applications.filter(stage_reached__lt=SIGNED_RANK)
        Note.objects.filter(application__in=unsigned).delete()
        Application.tags.through.objects.filter(application__in=unsigned).delete()
        applications.update(
            name=DELETED_NAME,
            phone="",
            consent_withdrawn_at=Coalesce("consent_withdrawn_at", at),
        )
        StageChange.objects.filter(application__seeker=locked, by=locked).update(reason="")
        Offer.objects.filter(seeker=locked).update(decline_reason="")
        Contract.objects.filter(seeker=locked).filter(Q(signed_at__isnull=True)).update(
            seeker_name=DELETED_NAME, seeker_phone=""
        )
        CheckIn.objects.filter(seeker=locked).delete()
        Notification.objects.filter(user=locked).delete()
        FairReminder.objects.filter(user=locked).delete()
        # The profile, and every matchmaker's case with its follow-ups and recommendations;
        # a 职业指导 booked to come is cancelled first and its slot opens again.
        SeekerProfile.objects.filter(user=locked).delete()
        for case in Case.objects.filter(seeker=locked):
            guidance_bookings_release(case=case, by=locked, now=at)
        Case.objects.filter(seeker=locked).delete()
        # A bureau's assistance of them (帮扶) with the reason it gave.
        Assistance.objects.filter(seeker=locked).delete()
        # The jobs they said 不感兴趣 to.
        Dismissal.objects.filter(seeker=locked).delete()
        # Their courses: progress, certificates (name and phone on the PDF) and attachments.
        seeker_courses_delete(user=locked)
        # Their voice in replays of rooms where they were on mic: silenced by the next job run.
        guest_voice_redact(user=locked)
        PhoneCode.objects.filter(phone=phone).delete()
        PhoneDevice.objects.filter(phone=phone).delete()
        for hook in account_deleted_hooks:
            hook(locked)
        locked.name = DELETED_NAME
        locked.phone = deleted_phone(user_id=locked.pk)
        locked.is_active = False
        # Also ends every other session: Django checks the session's password hash.
        locked.set_unusable_password()
        locked.save(update_fields=["name", "phone", "is_active", "password"])
    user.refresh_from_db()
    return True
