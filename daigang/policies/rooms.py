"""宣策 rooms: a bureau's room pins policy cards instead of jobs.

The pin is the PolicySession row's `pinned`, published to viewers as the room event
`policy_pin` {"policy": card or null} after the write commits (daigang.core.realtime), like a
job's `pin`. A room shows one card at a time: pinning a policy takes the job card down, and a
job pinned afterwards takes the policy card down (live's room_pin_hooks). Live draws the
console's 政策 panel and the room page's card through its hooks (apps.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation, User
from daigang.core.languages import site_language
from daigang.core.realtime import room_event_publish
from daigang.core.refused import Refused
from daigang.live import selectors as live_selectors
from daigang.live.models import Room
from daigang.live.services import room_unpin
from daigang.policies import selectors
from daigang.policies.models import Policy, PolicySession

EVENT = "policy_pin"


def room_is_bureau_room(*, room: Room) -> bool:
    return room.organisation.kind == Organisation.Kind.BUREAU


def policy_card(*, policy: Policy) -> dict[str, Any]:
    """What a viewer's screen shows of a pinned policy, and its sheet: plain data (JSON)."""
    return {
        "id": policy.pk,
        "title": policy.title,
        "kind": str(policy.get_kind_display()),
        "summary": policy.summary,
        "eligibility": policy.eligibility,
        "how_to_apply": policy.how_to_apply,
        "region": policy.region.name,
        "validity": policy_validity(policy=policy),
        "url": reverse("policies:policy", args=[policy.pk]),
    }


def policy_validity(*, policy: Policy) -> str:
    start = formats.date_format(policy.valid_from, "Y-m-d")
    if policy.valid_until is None:
        return _("%(start)s 起长期有效") % {"start": start}
    end = formats.date_format(policy.valid_until, "Y-m-d")
    return _("%(start)s 至 %(end)s") % {"start": start, "end": end}


def room_pinned_policy(*, room: Room) -> Policy | None:
    session = (
        PolicySession.objects.filter(room=room).select_related("pinned", "pinned__region").first()
    )
    return session.pinned if session is not None else None


def _check_runner(*, room: Room, by: User) -> None:
    if not live_selectors.room_can_run(user=by, room=room):
        raise PermissionDenied(_("只有本场主播或单位管理员可以操作"))


def room_policy_session_mark(*, room: Room, by: User) -> PolicySession:
    """Mark a bureau's room as a 宣策 session (listed on its fair's page). Idempotent."""
    _check_runner(room=room, by=by)
    if not room_is_bureau_room(room=room):
        raise Refused("not_bureau", _("只有公共就业服务机构的直播间可以宣讲政策"))
    session, _created = PolicySession.objects.get_or_create(room=room)
    return session


def room_policy_pin(*, room: Room, policy: Policy, by: User) -> PolicySession:
    """Pin one of the bureau's published policies; every viewer's screen shows its card.

    Idempotent: pinning the policy already pinned changes nothing and sends nothing. The job
    card pinned, if any, is taken down (one card at a time).
    """
    _check_runner(room=room, by=by)
    if room.state == Room.State.ENDED:
        raise Refused("room_ended", _("直播已结束，不能再置顶政策"))
    if not room_is_bureau_room(room=room):
        raise Refused("not_bureau", _("只有公共就业服务机构的直播间可以宣讲政策"))
    pinnable = selectors.policies_pinnable(bureau_id=room.organisation_id)
    if not pinnable.filter(pk=policy.pk).exists():
        raise Refused("policy_not_pinnable", _("只能置顶本机构已发布且在有效期内的政策"))
    with transaction.atomic():
        PolicySession.objects.get_or_create(room=room)
        session = PolicySession.objects.select_for_update().get(room=room)
        if session.pinned_id == policy.pk:
            return session
        session.pinned = policy
        session.save(update_fields=["pinned"])
        if room.pinned_job_id is not None:
            room_unpin(room=room, by=by)
        with site_language():  # every viewer sees this card, not only the anchor
            card = policy_card(policy=policy)
        room_event_publish(room_id=room.pk, kind=EVENT, data={"policy": card})
    return session


def room_policy_unpin(*, room: Room, by: User) -> None:
    """Take the policy card down on every screen. Idempotent."""
    _check_runner(room=room, by=by)
    _unpin(room_id=room.pk)


def _unpin(*, room_id: int) -> None:
    with transaction.atomic():
        session = PolicySession.objects.select_for_update().filter(room_id=room_id).first()
        if session is None or session.pinned_id is None:
            return
        session.pinned = None
        session.save(update_fields=["pinned"])
        room_event_publish(room_id=room_id, kind=EVENT, data={"policy": None})


def job_pinned(room_id: int, job_id: int) -> None:
    """live's room_pin_hooks: a job card replaces the policy card."""
    _unpin(room_id=room_id)


def policy_unpinned_everywhere(*, policy: Policy) -> None:
    """A policy that is no longer public leaves every room it is pinned in."""
    for room_id in PolicySession.objects.filter(pinned=policy).values_list("room_id", flat=True):
        _unpin(room_id=room_id)


# --- drawn by live (console_panel_hooks, room_page_overlay_hooks) and fairs ----------------


def console_policies_context(*, room: Room) -> dict[str, Any]:
    return {
        "room": room,
        "session": PolicySession.objects.filter(room=room).first(),
        "pinned": room_pinned_policy(room=room),
        "policies": list(selectors.policies_pinnable(bureau_id=room.organisation_id)[:50]),
    }


def console_policies_html(request: HttpRequest, room: Room) -> str:
    """The console's 政策 panel, for a bureau's room only."""
    if not room_is_bureau_room(room=room):
        return ""
    return render_to_string(
        "policies/_console_policies.html", console_policies_context(room=room), request=request
    )


def room_policy_overlay_html(request: HttpRequest, room: Room) -> str:
    """The room page's policy card over the picture and its sheet, for a bureau's room."""
    if not room_is_bureau_room(room=room):
        return ""
    pinned = room_pinned_policy(room=room)
    return render_to_string(
        "policies/_room_policy.html",
        {"room": room, "pinned": policy_card(policy=pinned) if pinned else None},
        request=request,
    )


def fair_policy_sessions_html(request: HttpRequest, fair: Any, fair_ids: list[int]) -> str:
    """The fair page's 宣策 sessions: the rooms of its schedule marked as policy sessions."""
    rooms = list(
        Room.objects.filter(
            fair_room__fair_id__in=fair_ids,
            policy_session__isnull=False,
        )
        .exclude(live_selectors.room_hidden_q())
        .select_related("organisation")
        .order_by("planned_start", "id")
    )
    if not rooms:
        return ""
    return render_to_string(
        "policies/_fair_sessions.html", {"rooms": rooms, "fair": fair}, request=request
    )
