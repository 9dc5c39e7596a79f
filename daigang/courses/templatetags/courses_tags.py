"""{% load courses_tags %}: a lesson's length, and the certificates a seeker attached to an
application, drawn in daigang.hiring's application page (which cannot import courses)."""

from __future__ import annotations

from typing import Any

from django import template

from daigang.courses.selectors import certificates_attached, certificates_of

register = template.Library()


@register.filter
def lesson_length(duration_ms: int) -> str:
    """12345 → "0:12": minutes and seconds, as players show them."""
    seconds = int(duration_ms or 0) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.inclusion_tag("courses/_application_certificates.html")
def application_certificates(application: Any) -> dict[str, Any]:
    """The certificates attached to `application`, while the seeker's consent lasts."""
    certificates = []
    if getattr(application, "consent_active", False):
        certificates = list(certificates_attached(application_id=application.pk))
    return {"certificates": certificates}


@register.inclusion_tag("courses/_certificate_attach.html", takes_context=True)
def certificate_attach_forms(context: Any, application: Any) -> dict[str, Any]:
    """After applying: the seeker's certificates not yet on `application`, each with a form to
    attach it (consent is the tap, and the sentence above it says what the organisation sees)."""
    user = context.get("user")
    certificates: list[Any] = []
    if (
        user is not None
        and user.is_authenticated
        and application is not None
        and application.seeker_id == user.pk
        and getattr(application, "consent_active", False)
    ):
        certificates = list(
            certificates_of(user=user).exclude(attachments__application_id=application.pk)
        )
    return {
        "certificates": certificates,
        "application": application,
        "organisation": getattr(application, "organisation", None),
        "csrf_token": context.get("csrf_token"),
        "next": context.get("request").get_full_path() if context.get("request") else "",
    }


@register.filter
def live_of(live: dict[int, Any], lesson_id: int) -> Any:
    """The LiveLesson of a lesson in a {lesson id: LiveLesson} map (None: not a live lesson)."""
    return live.get(lesson_id)
