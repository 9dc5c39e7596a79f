"""The room's arriving applicants in the anchor's console (daigang.live's console_panel_hooks).

Who sees what follows the project's rule for personal data: a member whose role has the
applications power (roles.APPLICATIONS: owner, HR) sees the name and the full phone, as in the
back office, and each full number shown is recorded (phone_views, source "live_console"); any
other member running the room (an anchor) sees the name and the phone masked (王**,
138****1234), and the job. The list is redrawn when an application from the room commits: the
room's socket carries an `applicants` event (no personal data in it) and the console asks for
this panel again (hiring:room_applicants).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.core.realtime import room_event_publish
from daigang.hiring.apply import selectors
from daigang.hiring.models import Application
from daigang.hiring.phone_views import SOURCE_CONSOLE, phone_views_record
from daigang.live import selectors as live_selectors
from daigang.live.models import Room

# The room's socket event that says "an application from this room committed".
EVENT_APPLICANTS = "applicants"


def name_masked(name: str) -> str:
    """王小明 → 王**: the first character, a star for each of the others (at least one)."""
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def console_applicants_html(request: HttpRequest, room: Room) -> str:
    """The console's applicants panel for `request.user`, who runs `room` (checked by the
    caller); full phones recorded as seen."""
    user = request.user
    full = membership_has(user=user, organisation_id=room.organisation_id, power=Power.APPLICATIONS)
    applicants = selectors.room_applicants(room=room)
    if full and applicants:
        phone_views_record(
            viewer=user,  # type: ignore[arg-type]  # a member: authenticated
            organisation_id=room.organisation_id,
            applications=applicants,
            source=SOURCE_CONSOLE,
        )
    rows = [
        {
            "id": application.pk,
            "name": application.name if full else name_masked(application.name),
            "phone": application.phone_for_organisation if full else application.masked_phone,
            "job": application.job.title,
            "created_at": application.created_at,
        }
        for application in applicants
    ]
    context = {
        "room": room,
        "rows": rows,
        "total": selectors.room_applicants_count(room=room),
        "full": full,
    }
    return render_to_string("hiring/_console_applicants.html", context, request=request)


def applications_room_announce(applications: list[Application]) -> None:
    """application_created_hooks: tell each room the new applications came from that it has
    new applicants (one event per room per call; nothing about who)."""
    for room_id in sorted({a.room_id for a in applications if a.room_id is not None}):
        room_event_publish(room_id=room_id, kind=EVENT_APPLICANTS, data={})


@require_GET
def room_applicants_view(request: HttpRequest, room_id: int) -> HttpResponse:
    """The console's applicants panel again (htmx, when the room's socket says an application
    from the room committed). A fragment: no login redirect; whoever does not run the room
    (anonymous included) gets 404."""
    room = live_selectors.room_for_runner(user=request.user, room_id=room_id)  # type: ignore[arg-type]
    return HttpResponse(console_applicants_html(request, room))
