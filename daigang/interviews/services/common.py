"""What every interview service shares: small helpers. Refusals are Refused (daigang.core)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from daigang.core.refused import Refused
from daigang.interviews.models import Interview, InterviewParticipant


# Refusals more than one service gives, each written once.
def refusal_not_member() -> Refused:
    return Refused("not_member", _("只有本单位的成员可以这样做"), status=403)


def refusal_no_such_candidate() -> Refused:
    return Refused("no_such_candidate", _("本场面试没有这位面试者"), status=404)


def refusal_candidate_removed() -> Refused:
    return Refused("removed", _("这位面试者已被移出"), status=409)


def interview_link_path(participant: InterviewParticipant) -> str:
    """The participant's personal link: their video call."""
    return reverse("interviews:call", args=[participant.token])


def clean_text(value: str, *, limit: int, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise Refused(
            "too_long",
            _("%(label)s不能超过%(limit)d个字") % {"label": label, "limit": limit},
            field=field,
        )
    return value


def interview_locked(interview: Interview) -> Interview:
    """The interview row, locked for the rest of the transaction."""
    return Interview.objects.select_for_update().get(pk=interview.pk)
