"""What every interview service shares: the error they raise and small helpers."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from daigang.interviews.models import Interview, InterviewParticipant


class InterviewError(ValueError):
    """A refused interview write; `message` is a Chinese sentence, `field` the form field."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def interview_link_path(participant: InterviewParticipant) -> str:
    """The participant's personal link: their video call."""
    return reverse("interviews:call", args=[participant.token])


def clean_text(value: str, *, limit: int, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise InterviewError(
            _("%(label)s不能超过%(limit)d个字") % {"label": label, "limit": limit},
            code="too_long",
            field=field,
        )
    return value


def interview_locked(interview: Interview) -> Interview:
    """The interview row, locked for the rest of the transaction."""
    return Interview.objects.select_for_update().get(pk=interview.pk)
