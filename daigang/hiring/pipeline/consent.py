"""A seeker takes back the consent they gave an organisation when applying (PIPL art. 15).

Consent is given per organisation (apply.services.application_consent_resolve reuses it for
later applications to the same organisation), so it is withdrawn per organisation too: every
application of the seeker to that organisation gets `consent_withdrawn_at`. From then on:

- the organisation sees the phone masked everywhere (Application.phone_for_organisation);
- the organisation's actions about those applications (moves, rejections, interview
  invitations and cancellations, offers, "please sign") notify the seeker of nothing, neither
  on their page nor by SMS (notification_send(about=...));
- what still reaches the seeker: this confirmation on their own page (no SMS: they just acted),
  the platform's own onboarding check-ins, and "signed by both parties" for a contract they
  signed themselves;
- applying again to the organisation asks for consent again (it is not reused once withdrawn).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import SeekerProfile, User
from daigang.core.languages import site_language
from daigang.core.refused import Refused
from daigang.hiring.models import Application
from daigang.hiring.notifications import notification_send


def organisation_consent_withdraw(
    *, application: Application, seeker: User, now: dt.datetime | None = None
) -> int:
    """Withdraw `seeker`'s consent to the organisation of `application` (one of theirs).

    Recorded once with its time on each of their applications to that organisation; returns
    how many were newly withdrawn (0 the second time: withdrawing again changes nothing)."""
    if application.seeker_id != seeker.pk:
        raise Application.DoesNotExist
    at = now or timezone.now()
    with transaction.atomic():
        changed = Application.objects.filter(
            seeker=seeker,
            organisation_id=application.organisation_id,
            consent_withdrawn_at__isnull=True,
        ).update(consent_withdrawn_at=at)
        if changed:
            with site_language():
                notification_send(
                    user=seeker,
                    text=_(
                        "您已撤回向%(organisation)s提供手机号的同意，"
                        "该单位只能看到隐藏后的号码，也不能再通过平台联系您。"
                    )
                    % {"organisation": application.organisation.name},
                    url=f"{reverse('hiring:my_applications')}#application-{application.pk}",
                    sms=False,
                )
    application.refresh_from_db(fields=["consent_withdrawn_at"])
    return changed


def application_profile_attach(
    *, application: Application, seeker: User, now: dt.datetime | None = None
) -> Application:
    """The seeker attaches their profile (求职资料) to one of their applications, with consent:
    the organisation reads it with the application while consent lasts. Attaching again
    changes nothing; a seeker with no profile, or who withdrew consent, is refused."""
    if application.seeker_id != seeker.pk:
        raise Refused("not_found", _("没有找到"), status=404)
    if not SeekerProfile.objects.filter(user=seeker).exists():
        raise Refused("no_profile", _("请先填写求职资料"), status=409)
    if application.consent_withdrawn_at is not None:
        raise Refused("consent_withdrawn", _("您已撤回对该单位的同意"), status=409)
    Application.objects.filter(pk=application.pk, profile_shared_at__isnull=True).update(
        profile_shared_at=now or timezone.now()
    )
    application.refresh_from_db(fields=["profile_shared_at"])
    return application
