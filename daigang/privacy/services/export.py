"""Everything the platform holds about one seeker, as one JSON-ready dict (PIPL art. 45).

The same dict feeds the JSON download and the printable HTML page, so the two never differ.
What the organisation keeps to itself about a seeker (its internal notes, interviewers'
verdicts) is not "visible to them" and is not in it; the seeker's own reasons are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import SeekerProfile, User
from daigang.contracts.models import Contract, Offer
from daigang.courses.selectors import seeker_courses_export
from daigang.fairs.models import FairReminder
from daigang.hiring.models import Application, Notification
from daigang.interviews.models import InterviewParticipant
from daigang.live.models import ChatMessage
from daigang.matchmaking.models import Assistance, Case, Dismissal, Recommendation

EXPORT_FORMAT = "daigang-seeker-export/1"

# Apps above privacy add their own parts of a seeker's data from their AppConfig.ready()
# (safety: the reports the seeker made): hook(user) -> {section name: JSON-ready data}.
export_hooks: list[Callable[[User], dict[str, Any]]] = []


def _at(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _applications(user: User) -> list[dict[str, Any]]:
    applications = (
        Application.objects.filter(seeker=user)
        .select_related("job", "organisation", "room")
        .prefetch_related("stage_changes__rejection_reason")
        .order_by("created_at", "id")
    )
    out = []
    for application in applications:
        history = []
        for change in application.stage_changes.all():
            if change.from_stage == change.to_stage:
                continue  # the organisation's own sub-stages: not shown to the seeker
            history.append(
                {
                    "from": str(change.get_from_stage_display()),
                    "to": str(change.get_to_stage_display()),
                    "at": _at(change.at),
                    # Theirs (a withdrawal), or the name of a rejection reason they were sent.
                    "reason": (
                        change.reason
                        if change.by_id == user.pk
                        else (change.rejection_reason.name if change.rejection_reason else "")
                    ),
                }
            )
        out.append(
            {
                "id": application.pk,
                "job": application.job.title,
                "organisation": application.organisation.name,
                "room": application.room.title if application.room else None,
                "name": application.name,
                "phone": application.phone,
                "stage": str(application.get_stage_display()),
                "applied_at": _at(application.created_at),
                "history": history,
            }
        )
    return out


def _consents(user: User) -> list[dict[str, Any]]:
    rows = (
        Application.objects.filter(seeker=user)
        .select_related("organisation", "job")
        .order_by("consented_at", "id")
    )
    return [
        {
            "organisation": application.organisation.name,
            "application_id": application.pk,
            "job": application.job.title,
            "text": application.consent_text,
            "given_at": _at(application.consented_at),
            "withdrawn_at": _at(application.consent_withdrawn_at),
        }
        for application in rows
    ]


def _interviews(user: User) -> list[dict[str, Any]]:
    seats = (
        InterviewParticipant.objects.filter(user=user, role=InterviewParticipant.Role.CANDIDATE)
        .select_related("interview__organisation", "application__job")
        .order_by("interview__starts_at", "id")
    )
    return [
        {
            "title": seat.interview.title,
            "organisation": seat.interview.organisation.name,
            "job": seat.application.job.title if seat.application else None,
            "starts_at": _at(seat.interview.starts_at),
            "minutes": seat.interview.length_minutes,
            "state": str(seat.interview.get_state_display()),
            "notes": seat.interview.notes,
            "joined_at": _at(seat.joined_at),
        }
        for seat in seats
    ]


def _offers(user: User) -> list[dict[str, Any]]:
    offers = Offer.objects.filter(seeker=user).select_related("organisation").order_by("sent_at")
    return [
        {
            "id": offer.pk,
            "organisation": offer.organisation.name,
            "job": offer.job_title,
            "wage": offer.wage_text,
            "start_date": offer.start_date.isoformat(),
            "place": " ".join(p for p in (offer.province, offer.city, offer.district) if p),
            "note": offer.note,
            "status": str(offer.get_status_display()),
            "sent_at": _at(offer.sent_at),
            "responded_at": _at(offer.responded_at),
            "decline_reason": offer.decline_reason,
            "link": reverse("contracts:seeker_offer", args=[offer.pk]),
        }
        for offer in offers
    ]


def _contracts(user: User) -> list[dict[str, Any]]:
    contracts = Contract.objects.filter(seeker=user).order_by("created_at", "id")
    return [
        {
            "id": contract.pk,
            "title": contract.title,
            "organisation": contract.organisation_name,
            "status": str(contract.get_status_display()),
            "created_at": _at(contract.created_at),
            "signed_at": _at(contract.signed_at),
            "link": reverse("contracts:seeker_contract", args=[contract.pk]),
            "pdf": reverse("contracts:seeker_contract_pdf", args=[contract.pk])
            if contract.signed_at
            else None,
        }
        for contract in contracts
    ]


def _notifications(user: User) -> list[dict[str, Any]]:
    rows = Notification.objects.filter(user=user).order_by("created_at", "id")
    return [
        {
            "text": row.text,
            "link": row.url,
            "at": _at(row.created_at),
            "read_at": _at(row.read_at),
        }
        for row in rows
    ]


def _chat(user: User) -> list[dict[str, Any]]:
    rows = ChatMessage.objects.filter(user=user).select_related("room").order_by("id")
    return [
        {"room": row.room.title, "text": row.text, "at": _at(row.created_at)}
        for row in rows.iterator(chunk_size=500)
    ]


def _fair_reminders(user: User) -> list[dict[str, Any]]:
    rows = FairReminder.objects.filter(user=user).select_related("fair").order_by("id")
    return [
        {"fair": row.fair.title, "asked_at": _at(row.created_at), "sent_at": _at(row.sent_at)}
        for row in rows
    ]


def _profile(user: User) -> dict[str, Any] | None:
    profile = SeekerProfile.objects.filter(user=user).select_related("home_region").first()
    if profile is None:
        return None
    return {
        "name": profile.name,
        "birth_year": profile.birth_year,
        "home_region": profile.home_region.name if profile.home_region else "",
        "current_city": profile.current_city,
        "work_kinds": profile.work_kinds,
        "wage_wanted": profile.wage_wanted,
        "needs": profile.need_labels(),
        "target_groups": profile.target_group_labels(),
        "certificates": profile.certificates,
        "work_history": profile.work_history,
        "updated_at": _at(profile.updated_at),
    }


def _matchmakers(user: User) -> list[dict[str, Any]]:
    """Who followed or follows the seeker, what they agreed to, and the jobs recommended.
    The matchmaker's follow-up notes are the matchmaker's work, like an organisation's notes."""
    cases = (
        Case.objects.filter(seeker=user)
        .select_related("membership__user", "membership__organisation")
        .order_by("id")
    )
    recommended: dict[int, list[dict[str, Any]]] = {}
    for row in (
        Recommendation.objects.filter(case__seeker=user).select_related("job").order_by("id")
    ):
        recommended.setdefault(row.case_id, []).append(
            {"job": row.job.title, "note": row.note, "at": _at(row.at)}
        )
    # A case the bureau made from its assistance list (帮扶) carries why the seeker was listed.
    listed_because = dict(
        Assistance.objects.filter(seeker=user, case__isnull=False).values_list("case_id", "reason")
    )
    return [
        {
            "matchmaker": case.membership.user.name or case.membership.user.masked_phone,
            "organisation": case.membership.organisation.name,
            "via": str(case.get_via_display()),
            "joined_at": _at(case.created_at),
            "consent_text": case.consent_text,
            "consented_at": _at(case.consented_at),
            "left_at": _at(case.withdrawn_at),
            "recommendations": recommended.get(case.pk, []),
            "assistance_reason": listed_because.get(case.pk, ""),
        }
        for case in cases
    ]


def _dismissed(user: User) -> list[dict[str, Any]]:
    """The recommended jobs the seeker said 不感兴趣 to."""
    rows = Dismissal.objects.filter(seeker=user).select_related("job").order_by("id")
    return [{"job": row.job.title, "at": _at(row.at)} for row in rows]


def seeker_export(*, user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """All of `user`'s data: account, applications with their history, consents, interviews,
    offers, contracts (links to them), notifications, the chat messages they sent, the
    job fairs they asked to be reminded of, their profile and the matchmakers who follow(ed)
    them; then what each app's `export_hooks` add."""
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": _at(now or timezone.now()),
        "account": {
            "phone": user.phone,
            "name": user.name,
            "joined_at": _at(user.date_joined),
        },
        "applications": _applications(user),
        "consents": _consents(user),
        "interviews": _interviews(user),
        "offers": _offers(user),
        "contracts": _contracts(user),
        "notifications": _notifications(user),
        "chat_messages": _chat(user),
        "fair_reminders": _fair_reminders(user),
        "profile": _profile(user),
        "matchmakers": _matchmakers(user),
        "dismissed_jobs": _dismissed(user),
        "courses": seeker_courses_export(user=user),
    }
    for hook in export_hooks:
        data.update(hook(user))
    return data
