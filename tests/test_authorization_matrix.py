"""The authorisation matrix: every route × every persona, and the answer each must get.

This is the executable form of README "Who may do what" (and daigang/accounts/roles.py). The
routes come from the URL conf (every app's pages, the JSON API under /api/v1/) and the
WebSocket routes (config/routing.py); the personas and the "home" organisation whose things
every URL names are built in tests/authorization_world.py.

Adding a route? Add its rows to HTTP (or WEBSOCKET) below — the suite fails until you do,
and also fails on a row whose route is gone. Each row says, for each persona:

    OK       2xx, or a 3xx to somewhere other than the login page (the page itself works)
    LOGIN    302 to the login page (pages and forms, anonymous visitors)
    E401     401 (the JSON API, and WHIP without its bearer stream key)
    E403     403: logged in or not, this persona is not the one who may (a mic-link guest)
    E404     404: the persona may not learn the thing exists (outsiders, files, fragments)
    E409     409: the persona may act on the thing, but not in the state it is in now
    INVALID  400/415/422: authorised, then the (deliberately empty or junk) body was refused
    E405     405 (a method the route does not serve)

POSTs carry an empty body unless REQUESTS gives one: the answer under test is the
authorisation, which must come before any validation (an outsider gets 404, not 400).
Each request runs in a savepoint that is rolled back, so a write by one persona is never seen
by the next and the world is built once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import override_settings

from daigang.accounts.testing import upload
from daigang.interviews.models import InterviewParticipant
from daigang.live.models import ChatMessage
from tests.authorization_world import (
    EXCLUDED_NAMESPACES,
    PERSONAS,
    World,
    http_routes,
    websocket_routes,
    world_make,
)

OK, LOGIN, E401, E403, E404, E405, E409, INVALID = (
    *("ok", "login", "401", "403", "404", "405", "409", "invalid"),
)

EVERYONE = frozenset(PERSONAS)
MEMBERS = frozenset({"owner", "hr", "anchor"})
HIRING = frozenset({"owner", "hr"})  # roles.APPLICATIONS / INTERVIEWS / CONTRACTS / JOBS_WRITE
CHAT_MODERATORS = frozenset({*MEMBERS, "moderator"})  # roles.CHAT_MODERATE (+ platform staff)


def public(answer: str = OK) -> dict[str, str]:
    """Everyone, logged in or not, gets `answer`."""
    return dict.fromkeys(PERSONAS, answer)


def logged_in(answer: str = OK) -> dict[str, str]:
    """Anyone logged in gets `answer` (about themselves); anonymous visitors are sent to log in."""
    return {**dict.fromkeys(PERSONAS, answer), "anonymous": LOGIN}


def only(
    who: frozenset[str] | set[str], answer: str = OK, *, anonymous: str = LOGIN, **exceptions: str
) -> dict[str, str]:
    """`who` get `answer`; every other logged-in persona 404; anonymous `anonymous`."""
    row = {persona: (answer if persona in who else E404) for persona in PERSONAS}
    row["anonymous"] = anonymous
    row.update(exceptions)
    return row


# (route name, method[, which thing]) -> persona -> answer. Rows are grouped by app, in URL conf
# order; a third element asks the same route about another of home's things (REQUESTS says which).
HTTP: dict[tuple[str, ...], dict[str, str]] = {
    # --- the JSON API (/api/v1/): anonymous gets 401 where a login is needed -------------------
    ("api:openapi-json", "GET"): public(),
    ("api:openapi-view", "GET"): public(),
    # ninja's bare prefix: no view of its own.
    ("api:api-root", "GET"): public(E404),
    ("api:jobs_list", "GET"): public(),
    ("api:jobs_read", "GET"): public(),
    ("api:organisations_read", "GET"): public(),
    ("api:rooms_list", "GET"): public(),
    ("api:room_detail", "GET"): public(),
    # One-tap apply is open to visitors (name + phone); the JSON body here is empty, so the
    # answer is the validation for everyone (daigang/hiring/apply has its own tests).
    ("api:application_create", "POST"): public(INVALID),
    ("api:application_mine", "GET"): logged_in() | {"anonymous": E401},
    ("api:application_detail", "GET"): only({"seeker", *HIRING}, anonymous=E401),
    # Sent with a well-formed body (REQUESTS). Finding, kept: ninja validates the body's shape
    # before the endpoint runs, so a malformed body gets 422 from anyone logged in, whoever
    # they are; it tells an outsider nothing (the same for any id, existing or not).
    ("api:application_advance", "POST"): only(HIRING, anonymous=E401),
    ("api:application_withdraw", "POST"): only({"seeker"}, anonymous=E401),
    ("api:organisation_applications", "GET"): only(HIRING, anonymous=E401),
    # Chat moderation: roles.CHAT_MODERATE (owner, HR, the room's anchor, platform moderators);
    # the settings roles.CHAT_SETTINGS (owner, HR). Sent with well-formed bodies (REQUESTS).
    ("api:room_moderation", "GET"): only(CHAT_MODERATORS, anonymous=E401),
    ("api:chat_message_delete", "POST"): only(CHAT_MODERATORS, anonymous=E401),
    ("api:chat_viewer_mute", "POST"): only(CHAT_MODERATORS, anonymous=E401),
    ("api:chat_viewer_ban", "POST"): only(CHAT_MODERATORS, anonymous=E401),
    ("api:chat_mute_lift", "POST"): only(CHAT_MODERATORS, anonymous=E401),
    ("api:chat_ban_lift", "POST"): only(CHAT_MODERATORS, anonymous=E401),
    ("api:chat_settings", "POST"): only(HIRING, anonymous=E401),
    # An anchor moderates only the rooms they are on.
    ("api:chat_message_delete", "POST", "a room the anchor is not on"): only(
        {"owner", "hr", "moderator"}, anonymous=E401
    ),
    # 举报 (daigang.safety). The body here is empty: ninja's 422 for anyone logged in.
    ("api:report_create", "POST"): logged_in(INVALID) | {"anonymous": E401},
    ("api:report_mine", "GET"): logged_in() | {"anonymous": E401},
    ("api:organisation_cases", "GET"): only(HIRING, anonymous=E401),  # roles.CASES
    # Sent with a well-formed appeal (REQUESTS): home's warning, appealed once by its owner/HR.
    ("api:case_appeal", "POST"): only(HIRING, anonymous=E401),
    # The seeker's own profile (求职资料); PUT with an empty body empties it (REQUESTS).
    ("api:profile", "GET"): logged_in() | {"anonymous": E401},
    ("api:profile", "PUT"): logged_in() | {"anonymous": E401},
    # Uploads, sent with a real picture as multipart (REQUESTS). A report's screenshot: its
    # reporter's alone (the other seeker's), and only while the case is open (home's report is
    # decided: 409).
    ("api:report_screenshot", "POST"): only({"other_seeker"}, E409, anonymous=E401),
    ("api:report_screenshot", "POST", "an open report"): only({"other_seeker"}, anonymous=E401),
    # An appeal's evidence: owner/HR (roles.CASES), once appealed and until it is decided (home's
    # warning is not appealed: 409).
    ("api:case_appeal_evidence", "POST"): only(HIRING, E409, anonymous=E401),
    ("api:case_appeal_evidence", "POST", "an appealed case"): only(HIRING, anonymous=E401),
    ("api:assistance", "GET"): only(set(), anonymous=E401),  # roles.ASSISTANCE, a bureau's
    # --- Django's language switch: anyone -----------------------------------------------------
    ("set_language", "POST"): public(),
    # --- accounts --------------------------------------------------------------------------------
    ("accounts:login", "GET"): public(),
    ("accounts:login", "POST"): public(),  # the form again, with its errors (200)
    ("accounts:logout", "POST"): public(),
    ("accounts:my_organisations", "GET"): logged_in(),
    ("accounts:organisation_new", "GET"): logged_in(),
    ("accounts:organisation_new", "POST"): logged_in(),  # the form again, with its errors
    ("accounts:organisation_detail", "GET"): only(MEMBERS),
    ("accounts:organisation_edit", "GET"): only({"owner"}),
    ("accounts:organisation_edit", "POST"): only({"owner"}),
    ("accounts:document_add", "POST"): only({"owner"}, INVALID),
    ("accounts:organisation_renew", "POST"): only({"owner"}),
    ("accounts:member_add", "POST"): only({"owner"}, INVALID),
    ("accounts:member_remove", "POST"): only({"owner"}),
    # Files answer 404 to anonymous visitors too (no login page for an <object> or <img>).
    ("accounts:document_file", "GET"): only({*MEMBERS, "moderator"}, anonymous=E404),
    ("accounts:document_preview", "GET"): only({*MEMBERS, "moderator"}, anonymous=E404),
    # A pending organisation's licence: its own member, and the moderators who review it.
    ("accounts:document_file", "GET", "a pending organisation's"): only(
        {"pending_member", "moderator"}, anonymous=E404
    ),
    ("accounts:review_list", "GET"): only({"moderator"}),
    ("accounts:review_detail", "GET"): only({"moderator"}),
    ("accounts:review_detail", "POST"): only({"moderator"}, INVALID),
    # --- live rooms ------------------------------------------------------------------------------
    ("live:manage_rooms", "GET"): only(MEMBERS),  # roles.ROOMS_SCHEDULE
    # Replays (回放): a ready one is public, page and file; the organisation's list, hiding and
    # deleting are roles.ROOMS_SCHEDULE (redirects back to the list).
    ("replays:replay", "GET"): public(),
    ("replays:video", "GET"): public(),
    ("replays:manage", "GET"): only(MEMBERS),
    ("replays:hide", "POST"): only(MEMBERS),
    ("replays:delete", "POST"): only(MEMBERS),
    ("live:room_new", "GET"): only(MEMBERS),
    ("live:room_new", "POST"): only(MEMBERS),  # the form again, with its errors
    ("live:room", "GET"): public(),
    # Run the room: the owner (roles.ROOMS_RUN) and the room's own anchors while members.
    ("live:console", "GET"): only({"owner", "anchor"}),
    # Another of home's rooms: an anchor runs only the rooms they are put on.
    ("live:console", "GET", "a room the anchor is not on"): only({"owner"}),
    ("live:stream_key_rotate", "POST", "a room the anchor is not on"): only({"owner"}),
    ("live:pin", "POST"): only({"owner", "anchor"}),
    ("live:unpin", "POST"): only({"owner", "anchor"}),
    # 结束直播: only with the dialog's confirm=yes; the empty body here is refused (400).
    ("live:end", "POST"): only({"owner", "anchor"}, INVALID),
    # A viewer tapped the pinned card: anyone who may see the room (counted once per pin).
    ("live:card_open", "POST"): public(),
    ("live:stream_key_rotate", "POST"): only({"owner", "anchor"}),
    # 连麦: a logged-in viewer raises, cancels, consents (a refusal, such as an anchor raising
    # or consenting without being accepted, comes back to the room page as a message); the
    # queue and the actions on it are the room's runners' (daigang/live/tests/test_mic*.py).
    ("live:mic_raise", "POST"): logged_in(),
    ("live:mic_cancel", "POST"): logged_in(),
    ("live:mic_consent", "POST"): logged_in(),
    ("live:mic_panel", "GET"): only({"owner", "anchor"}),
    ("live:mic_act", "POST"): only({"owner", "anchor"}),
    ("live:chat_moderate", "GET"): only(CHAT_MODERATORS),  # roles.CHAT_MODERATE
    ("live:chat_moderate", "GET", "a room the anchor is not on"): only(
        {"owner", "hr", "moderator"}
    ),
    # --- streaming: WHIP/WHEP speak bearer tokens and capability URLs, never sessions ----------
    # Publishing needs the room's stream key (none is sent here): the owner's session is not it.
    ("streaming:whip", "POST"): public(E401),
    ("streaming:whip", "GET"): public(E405),
    # Playback is open (rooms are public): an offer that is not application/sdp is refused
    # for everyone (a real offer would start the relay: daigang/streaming/tests, marked webrtc).
    ("streaming:whep", "POST"): public(INVALID),
    # A session's URL is its capability: a made-up one is 404 whoever asks.
    ("streaming:whip_session", "DELETE"): public(E404),
    ("streaming:whep_session", "DELETE"): public(E404),
    # A mic-link guest's voice: the login session's on-air request is the credential, and
    # nobody in the world is on air (403; daigang/streaming/tests/test_guest_on_air.py has one).
    ("streaming:guest", "POST"): public(E403),
    ("streaming:guest", "GET"): public(E405),
    ("streaming:guest_session", "DELETE"): public(E404),
    # HLS (daigang/streaming/tests/test_hls_views.py): public files for any cache to carry;
    # none here, as no room is live over HLS.
    ("streaming:hls_playlist", "GET"): public(E404),
    ("streaming:hls_playlist", "POST"): public(E405),
    ("streaming:hls_segment", "GET"): public(E404),
    # MediaMTX's auth hook: only with STREAM_SERVER_URL set, and then it checks the stream key
    # in the body (daigang/streaming/tests); unset, as here, it does not exist.
    ("streaming:mediamtx_auth", "POST"): public(E404),
    ("streaming:mediamtx_ready", "POST"): public(E404),  # without STREAM_SERVER_URL
    ("streaming:mediamtx_not_ready", "POST"): public(E404),
    # --- hiring: apply, back office, pipeline ----------------------------------------------------
    ("hiring:apply", "GET"): public(),
    ("hiring:apply", "POST"): public(),  # the form again, with its errors
    # A room's cards: each persona's own states only ({} for a visitor: never another's).
    ("hiring:apply_states", "GET"): public(),
    ("hiring:back_office", "GET"): only(HIRING),
    ("hiring:back_office_rows", "GET"): only(HIRING, anonymous=E404),  # an htmx fragment
    # The console's applicants panel (an htmx fragment): those who run the room; an anchor sees
    # names and phones masked (daigang/hiring/apply/console.py).
    ("hiring:room_applicants", "GET"): only({"owner", "anchor"}, anonymous=E404),
    ("hiring:pipeline_board", "GET"): only(HIRING),
    ("hiring:pipeline_board_changes", "GET"): only(HIRING, anonymous=E404),  # the board's poll
    ("hiring:pipeline_table", "GET"): only(HIRING),
    ("hiring:pipeline_bulk", "POST"): only(HIRING),
    ("hiring:pipeline_settings", "GET"): only(HIRING),
    ("hiring:pipeline_settings", "POST"): only(HIRING),
    ("hiring:pipeline_stats", "GET"): only(HIRING),
    ("hiring:application_detail", "GET"): only(HIRING),
    ("hiring:application_move", "POST"): only(HIRING),
    ("hiring:application_reject", "POST"): only(HIRING),
    ("hiring:application_note_add", "POST"): only(HIRING),
    ("hiring:application_tags", "POST"): only(HIRING),
    # The audit of who saw full phones: the owner's alone (roles.ORGANISATION_MANAGE).
    ("hiring:phone_views", "GET"): only({"owner"}),
    ("hiring:my_applications", "GET"): logged_in(),
    ("hiring:my_application_withdraw", "POST"): only({"seeker"}),
    ("hiring:my_consent_withdraw", "POST"): only({"seeker"}),
    # The seeker has no profile in the world: refused with a message, back to 我的报名 (302).
    ("hiring:my_profile_attach", "POST"): only({"seeker"}),
    ("hiring:my_notifications_read", "POST"): logged_in(),
    # --- interviews ------------------------------------------------------------------------------
    ("interviews:list", "GET"): only(HIRING),
    ("interviews:new", "GET"): only(HIRING),
    ("interviews:new", "POST"): only(HIRING),  # the form again, with its errors
    ("interviews:detail", "GET"): only(HIRING),
    # Any member may sit on a panel, so the page lets members in (the anchor is on this one);
    # verdict_record then refuses a member not on the panel (hr here: a message, nothing
    # saved; daigang/interviews/tests/test_verdicts.py). The ex-member's seat went with them.
    ("interviews:verdict", "POST"): only(MEMBERS),
    ("interviews:cancel", "POST"): only(HIRING),
    ("interviews:finish", "POST"): only(HIRING),
    ("interviews:remove", "POST"): only(HIRING),
    ("interviews:mine", "GET"): logged_in(),
    # A personal link: the seeker's own, for the seeker alone.
    ("interviews:call", "GET"): only({"seeker"}),
    ("interviews:invite", "GET"): only({"seeker"}),
    # --- contracts -------------------------------------------------------------------------------
    ("contracts:manage_offer", "GET"): only(HIRING),
    ("contracts:manage_offer", "POST"): only(HIRING, INVALID),
    ("contracts:manage_onboard", "POST"): only(HIRING, INVALID),
    ("contracts:manage_contracts", "GET"): only(HIRING),
    ("contracts:manage_contract", "GET"): only(HIRING),
    ("contracts:manage_contract", "POST"): only(HIRING, INVALID),
    ("contracts:manage_contract_pdf", "GET"): only(HIRING, anonymous=E404),  # a file
    ("contracts:manage_templates", "GET"): only(HIRING),
    ("contracts:manage_templates", "POST"): only(HIRING, INVALID),
    ("contracts:seeker_todo", "GET"): logged_in(),
    ("contracts:seeker_offer", "GET"): only({"seeker"}),
    ("contracts:seeker_offer", "POST"): only({"seeker"}, INVALID),
    ("contracts:seeker_contract", "GET"): only({"seeker"}),
    ("contracts:seeker_contract", "POST"): only({"seeker"}, INVALID),
    ("contracts:seeker_contract_pdf", "GET"): only({"seeker"}, anonymous=E404),  # a file
    ("contracts:seeker_checkin", "GET"): only({"seeker"}),
    ("contracts:seeker_checkin", "POST"): only({"seeker"}, INVALID),
    # Anyone may check whether a PDF is the one signed (no file sent here: refused).
    ("contracts:verify", "GET"): public(),
    ("contracts:verify", "POST"): public(INVALID),
    # --- privacy: each about the person asking ---------------------------------------------------
    ("privacy:mine", "GET"): logged_in(),
    ("privacy:export_json", "GET"): logged_in(),
    ("privacy:export_html", "GET"): logged_in(),
    ("privacy:delete", "POST"): logged_in(),  # without the typed confirmation: back, nothing done
    # --- jobs ------------------------------------------------------------------------------------
    ("jobs:home", "GET"): public(),
    # --- 举报 (daigang.safety) -----------------------------------------------------------------
    # Reporting a public thing (home's job): anyone logged in; the empty form is refused.
    ("safety:report", "GET"): logged_in(),
    ("safety:report", "POST"): logged_in(INVALID),
    ("safety:mine", "GET"): logged_in(),
    ("safety:queue", "GET"): only({"moderator"}),
    ("safety:case", "GET"): only({"moderator"}),
    ("safety:case", "POST"): only({"moderator"}, INVALID),
    ("safety:appeal_decide", "POST"): only({"moderator"}, INVALID),
    # Moderators and bureau members with roles.STATS_SEE (no bureau persona here).
    ("safety:suspended", "GET"): only({"moderator"}),
    # A report's screenshot: moderators, and home's owner/HR once decided; files 404 anonymous.
    ("safety:evidence", "GET"): only({"moderator", *HIRING}, anonymous=E404),
    # Home's warning has no appeal yet, so no appeal evidence: 404 for everyone.
    ("safety:appeal_evidence", "GET"): public(E404),
    ("safety:org_cases", "GET"): only(HIRING),  # roles.CASES
    # An empty appeal: back to the cases page with the form's message.
    ("safety:org_appeal", "POST"): only(HIRING),
    # --- matchmakers: the seeker's own pages; the case is the seeker's (a 兰州 bureau's
    # matchmaker follows them); the bureau's pages are its members' only (home is a company:
    # daigang/matchmaking tests check the bureau's own roles).
    ("matchmaking:profile", "GET"): logged_in(),
    ("matchmaking:profile", "POST"): logged_in(),  # an empty form is an empty profile: saved
    ("matchmaking:recommended", "GET"): logged_in(),  # 为您推荐, about themselves
    ("matchmaking:dismiss", "POST"): logged_in(),  # 不感兴趣 on the home job: their own list
    ("matchmaking:mine", "GET"): logged_in(),
    ("matchmaking:consent", "POST"): only({"seeker"}),
    ("matchmaking:leave", "POST"): only({"seeker"}),
    # 职业指导: the world's slot is the follow_case matchmaker's; only that seeker may book it
    # (and cancel: the slot is not booked, so nothing changes and the page comes back).
    ("matchmaking:guidance_book", "POST"): only({"seeker"}),
    ("matchmaking:guidance_unbook", "POST"): only({"seeker"}),
    ("matchmaking:invite", "GET"): logged_in(),
    ("matchmaking:invite", "POST"): logged_in(),  # joins the matchmaker's caseload
    ("matchmaking:invite_qr", "GET"): only(set()),  # a matchmaker's own; no persona is one
    ("matchmaking:caseload", "GET"): only(set()),
    ("matchmaking:assign", "POST"): only(set()),
    ("matchmaking:guidance_open", "POST"): only(set()),  # the matchmaker's own slots
    ("matchmaking:guidance_cancel", "POST"): only(set()),
    ("matchmaking:case", "GET"): only(set()),
    ("matchmaking:follow_up", "POST"): only(set()),
    ("matchmaking:recommend", "POST"): only(set()),
    ("matchmaking:numbers", "GET"): only(set()),
    # roles.ASSISTANCE: a bureau's owner and operator (home is a company: nobody here;
    # daigang/matchmaking/tests/test_assistance.py checks the bureau's roles).
    ("matchmaking:assistance", "GET"): only(set()),
    ("matchmaking:assistance_settings", "POST"): only(set()),
    ("matchmaking:assistance_assign", "POST"): only(set()),
    # --- courses (daigang.courses): the catalogue and a certificate's verification are public;
    # the course is the fair's bureau's, its one lesson a text (so no video, no poster); the
    # seeker completed it. The progress beacon's empty body is refused for anyone logged in.
    ("courses:list", "GET"): public(),
    ("courses:course", "GET"): public(),
    ("courses:enrol", "POST"): logged_in(),  # one tap: enrolled (again), on to a lesson
    ("courses:lesson", "GET"): logged_in(),  # not enrolled: sent to the course page
    ("courses:progress", "POST"): logged_in(INVALID),
    ("courses:video", "GET"): public(E404),
    ("courses:poster", "GET"): public(E404),
    ("courses:my", "GET"): logged_in(),
    ("courses:certificate_pdf", "GET"): only({"seeker"}),
    ("courses:certificate_attach", "POST"): only({"seeker"}, INVALID),  # no application chosen
    ("courses:verify", "GET"): public(),
    ("courses:verify", "POST"): public(INVALID),  # no file
    # A bureau's course pages (roles.COURSES_WRITE; the numbers roles.STATS_SEE): home is a
    # company, so nobody here; tests in daigang/courses check the bureau's own roles.
    ("courses:manage_list", "GET"): only(set()),
    ("courses:manage_new", "GET"): only(set()),
    ("courses:manage_new", "POST"): only(set()),
    ("courses:manage_stats", "GET"): only(set()),
    ("courses:manage_stats_xlsx", "GET"): only(set()),
    ("courses:manage_course", "GET"): only(set()),
    ("courses:manage_course", "POST"): only(set()),
    ("courses:manage_publish", "POST"): only(set()),
    ("courses:manage_lesson_new", "GET"): only(set()),
    ("courses:manage_lesson_new", "POST"): only(set()),
    ("courses:manage_lesson", "GET"): only(set()),
    ("courses:manage_lesson", "POST"): only(set()),
    ("courses:manage_lesson_move", "POST"): only(set()),
    # Training organisations (培训机构): a training organisation's managers ask a bureau
    # (roles.ORGANISATION_MANAGE of an Organisation.Kind.TRAINING: home is a company, so its
    # owner gets 404 too); the bureau's course writers decide (roles.COURSES_WRITE: the
    # provider is the fair's bureau's, whose members no persona is). tests in daigang/courses
    # check both sides' roles.
    ("courses:training", "GET"): only(set()),
    ("courses:training", "POST"): only(set()),
    ("courses:providers", "GET"): only(set()),
    ("courses:provider_decide", "POST"): only(set()),
    # --- job fairs: seekers' pages are public; a bureau's pages are its members' only --------
    ("fairs:list", "GET"): public(),
    ("fairs:fair", "GET"): public(),
    ("fairs:invite", "GET"): public(),  # remembers the invite, then the fair page
    # The world's fair runs already: a seeker is told it takes no reminders (a redirect back).
    ("fairs:remind", "POST"): logged_in(),
    # The world's fair has no poster; who sees a draft's poster: test_fair_reminders_and_poster.
    ("fairs:poster", "GET"): public(E404),
    ("fairs:register", "GET"): only(HIRING),  # roles.FAIRS_JOIN
    ("fairs:register", "POST"): only(HIRING, INVALID),  # no job chosen
    # No persona is a bureau's member: home is a company (404 for its own owner too), and the
    # fair is a 兰州 bureau's. tests in daigang/fairs check the bureau's own roles.
    ("fairs:bureau_fairs", "GET"): only(set()),
    ("fairs:fair_new", "GET"): only(set()),
    ("fairs:fair_new", "POST"): only(set()),
    ("fairs:manage", "GET"): only(set()),
    ("fairs:edit", "GET"): only(set()),
    ("fairs:edit", "POST"): only(set()),
    ("fairs:publish", "POST"): only(set()),
    ("fairs:entry_decide", "POST"): only(set()),
    ("fairs:room_add", "POST"): only(set()),
    ("fairs:invite_add", "POST"): only(set()),
    ("fairs:stats", "GET"): only(set()),
    ("fairs:export_csv", "GET"): only(set()),
    ("fairs:export_xlsx", "GET"): only(set()),
    # --- policies (政策): public when published; a bureau's pages are its members' only -------
    ("policies:list", "GET"): public(),
    ("policies:policy", "GET"): public(),
    # No persona is a bureau's member: home is a company (404 for its own owner too), and the
    # policy is the 兰州 bureau's. daigang/policies tests check the bureau's own roles.
    ("policies:manage", "GET"): only(set()),
    ("policies:new", "GET"): only(set()),
    ("policies:new", "POST"): only(set()),
    ("policies:edit", "GET"): only(set()),
    ("policies:edit", "POST"): only(set()),
    ("policies:publish", "POST"): only(set()),
    # Those who run the room (as live:pin); home's room is a company's, so the pin is refused
    # and the console says why (a redirect to it).
    ("policies:pin", "POST"): only({"owner", "anchor"}),
    ("policies:unpin", "POST"): only({"owner", "anchor"}),
    ("policies:session", "POST"): only({"owner", "anchor"}),
    # The pin now, for a viewer whose socket came back: as public as the room page.
    ("policies:pinned", "GET"): public(),
    # The province → city → district lists of the job form: public reference data.
    ("regions:cities", "GET"): public(),
    ("regions:districts", "GET"): public(),
    ("jobs:detail", "GET"): public(),
    # A draft is seen by the organisation's members only (roles.ORGANISATION_SEE).
    ("jobs:detail", "GET", "a draft job"): only(MEMBERS, anonymous=E404),
    # The job read aloud (听岗位): an old version ("0"*16 here) is sent on to the current one.
    ("jobs:listen", "GET"): public(),
    ("jobs:listen", "GET", "a draft job"): public(E404),
    ("jobs:organisation", "GET"): public(),
    # Not public until verified, not even to its own member (who has 我的单位 for it).
    ("jobs:organisation", "GET", "a pending organisation"): public(E404),
    ("jobs:manage", "GET"): only(HIRING),  # roles.JOBS_WRITE
    ("jobs:create", "GET"): only(HIRING),
    ("jobs:create", "POST"): only(HIRING),  # the form again, with its errors
    ("jobs:edit", "GET"): only(HIRING),
    ("jobs:edit", "POST"): only(HIRING),
    ("jobs:publish", "POST"): only(HIRING),
    ("jobs:close", "POST"): only(HIRING),
    # Introduction videos (#17): the upload pages (the form again, with its errors, on an
    # empty POST: 400), the files (no ready video of that version: 404 for all), the 刷岗位 feed
    # and the cards' count beacon (anyone; 204).
    ("jobs:company_video", "GET"): only(HIRING),
    ("jobs:company_video", "POST"): only(HIRING, INVALID),
    ("jobs:job_video", "GET"): only(HIRING),
    ("jobs:job_video", "POST"): only(HIRING, INVALID),
    ("jobs:video_file", "GET"): public(E404),
    ("jobs:video_poster", "GET"): public(E404),
    ("jobs:feed", "GET"): public(),
    ("jobs:counts", "POST"): public(),
}


@dataclass(frozen=True)
class Request:
    """What a row sends beyond its URL: a body, and ids other than the defaults."""

    data: Callable[[World], Any] | None = None
    content_type: str | None = None
    params: Callable[[World], dict[str, object]] | None = None
    headers: dict[str, str] | None = None


def _json(make: Callable[[World], dict]) -> Callable[[World], str]:
    return lambda world: json.dumps(make(world))


REQUESTS: dict[tuple[str, ...], Request] = {
    ("fairs:invite", "GET"): Request(
        params=lambda w: {"fair_id": w.fair.pk, "token": w.fair_invite.token}
    ),
    ("live:console", "GET", "a room the anchor is not on"): Request(
        params=lambda w: {"room_id": w.other_room.pk}
    ),
    ("live:stream_key_rotate", "POST", "a room the anchor is not on"): Request(
        params=lambda w: {"room_id": w.other_room.pk}
    ),
    ("jobs:detail", "GET", "a draft job"): Request(params=lambda w: {"job_id": w.draft_job.pk}),
    ("jobs:listen", "GET", "a draft job"): Request(params=lambda w: {"job_id": w.draft_job.pk}),
    ("jobs:organisation", "GET", "a pending organisation"): Request(
        params=lambda w: {"organisation_id": w.pending_organisation.pk}
    ),
    ("accounts:document_file", "GET", "a pending organisation's"): Request(
        params=lambda w: {"document_id": w.pending_document.pk}
    ),
    ("api:application_create", "POST"): Request(
        data=_json(lambda w: {}), content_type="application/json"
    ),
    # Its current stage again: a no-op for those allowed.
    ("api:application_advance", "POST"): Request(
        data=_json(lambda w: {"to_stage": "interview"}), content_type="application/json"
    ),
    ("api:application_withdraw", "POST"): Request(
        data=_json(lambda w: {"reason": ""}), content_type="application/json"
    ),
    ("live:pin", "POST"): Request(data=lambda w: {"job": w.job.pk}),
    ("policies:pin", "POST"): Request(data=lambda w: {"policy": w.policy.pk}),
    ("live:chat_moderate", "GET", "a room the anchor is not on"): Request(
        params=lambda w: {"room_id": w.other_room.pk}
    ),
    ("api:chat_message_delete", "POST"): Request(
        data=_json(lambda w: {"reason": ""}), content_type="application/json"
    ),
    ("api:chat_message_delete", "POST", "a room the anchor is not on"): Request(
        params=lambda w: {
            "room_id": w.other_room.pk,
            "message_id": ChatMessage.objects.create(room=w.other_room, user=w.users["seeker"]).pk,
        },
        data=_json(lambda w: {"reason": ""}),
        content_type="application/json",
    ),
    ("api:chat_viewer_mute", "POST"): Request(
        data=_json(lambda w: {"duration": "10m"}), content_type="application/json"
    ),
    ("api:chat_viewer_ban", "POST"): Request(
        data=_json(lambda w: {"reason": ""}), content_type="application/json"
    ),
    ("api:chat_mute_lift", "POST"): Request(
        data=_json(lambda w: {}), content_type="application/json"
    ),
    ("api:chat_ban_lift", "POST"): Request(
        data=_json(lambda w: {}), content_type="application/json"
    ),
    ("api:chat_settings", "POST"): Request(
        data=_json(lambda w: {"slow_seconds": 0}), content_type="application/json"
    ),
    ("api:case_appeal", "POST"): Request(
        data=_json(lambda w: {"text": "我们没有收取押金"}), content_type="application/json"
    ),
    ("api:profile", "PUT"): Request(data=_json(lambda w: {}), content_type="application/json"),
    # The matchmaking pages name the matchmaker's case (follow_case), not a 举报 case.
    **{
        (route, method): Request(params=lambda w: {"case_id": w.follow_case.pk})
        for route, method in [
            ("matchmaking:consent", "POST"),
            ("matchmaking:leave", "POST"),
            ("matchmaking:case", "GET"),
            ("matchmaking:follow_up", "POST"),
            ("matchmaking:recommend", "POST"),
        ]
    },
    # A form with a file (content_type None): multipart, as a browser or an app sends it.
    ("api:report_screenshot", "POST"): Request(data=lambda w: {"file": upload("s.png")}),
    ("api:report_screenshot", "POST", "an open report"): Request(
        params=lambda w: {"report_id": w.open_report.pk}, data=lambda w: {"file": upload("s.png")}
    ),
    ("api:case_appeal_evidence", "POST"): Request(data=lambda w: {"file": upload("e.png")}),
    ("api:case_appeal_evidence", "POST", "an appealed case"): Request(
        params=lambda w: {"case_id": w.appealed_case.pk}, data=lambda w: {"file": upload("e.png")}
    ),
    ("streaming:whip", "POST"): Request(data=lambda w: "v=0\r\n", content_type="application/sdp"),
    ("streaming:guest", "POST"): Request(data=lambda w: "v=0\r\n", content_type="application/sdp"),
    # The draft job is the one to publish.
    ("jobs:publish", "POST"): Request(params=lambda w: {"job_id": w.draft_job.pk}),
    # The signed and onboarded application is the one with a contract.
    ("contracts:manage_onboard", "POST"): Request(params=lambda w: {"application_id": w.hired.pk}),
}


def _default_params(world: World) -> dict[str, object]:
    seeker_seat = InterviewParticipant.objects.get(
        interview=world.interview, user=world.users["seeker"]
    )
    return {
        "organisation_id": world.organisation.pk,
        "membership_id": world.hr_membership.pk,
        "document_id": world.document.pk,
        "room_id": world.room.pk,
        "session_id": "not-a-session",
        "name": "seg-1.ts",  # an HLS segment (none exists)
        "job_id": world.job.pk,
        "application_id": world.application.pk,
        "interview_id": world.interview.pk,
        "participant_id": seeker_seat.pk,
        "token": world.tokens["seeker"],
        "contract_id": world.contract.pk,
        "offer_id": world.offer.pk,
        "checkin_id": world.checkin.pk,
        "code": "440000",  # 广东省 (regions:districts answers its own list, empty)
        "fair_id": world.fair.pk,
        "message_id": world.chat_message.pk,
        "mic_request_id": world.mic_request.pk,
        "user_id": world.users["seeker"].pk,  # type: ignore[union-attr]
        "entry_id": world.fair_entry.pk,
        "sha": "0" * 16,
        "video_id": world.job.pk,  # no video of that id and version: the files 404
        "case_id": world.case.pk,
        "report_id": world.report.pk,
        "kind": "job",
        "target_id": world.job.pk,
        "invite_token": world.matchmaker_invite.token,
        "slot_id": world.guidance_slot.pk,
        "policy_id": world.policy.pk,
        "course_id": world.course.pk,
        "lesson_id": world.lesson.pk,
        "replay_id": world.replay.pk,
        "certificate_id": world.certificate.pk,
        "provider_id": world.course_provider.pk,
        "number": world.certificate.number,
    }


_PARAM = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def _url(route: str, params: dict[str, object]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match[1]
        assert name in params, (
            f"/{route}: no value for <{name}>: add one to _default_params in "
            "tests/test_authorization_matrix.py (an id of the home organisation or its seeker)"
        )
        return str(params[name])

    return "/" + _PARAM.sub(fill, route)


def answer_of(response: HttpResponse) -> str:
    status = response.status_code
    if 300 <= status < 400:
        login = resolve_url(settings.LOGIN_URL)
        return LOGIN if response["Location"].split("?")[0] == login else OK
    if 200 <= status < 300:
        return OK
    if status in (400, 415, 422):
        return INVALID
    return str(status)


ROUTES, SKIPPED = http_routes()
ROUTES_BY_NAME = {route.name: route for route in ROUTES}
# Rows whose URL names an organisation and one of its things (pages say <id:…>, the API's
# paths <int:…>): asked again by the owner of another organisation with their own
# organisation's id and home's thing.
# (Not a route whose other id is a thing anyone may use with their own organisation: a fair is
# a bureau's, and every employer registers for it under its own id.)
SHARED_THINGS = {"fairs:register"}
CROSS_ORGANISATION = [
    key
    for key in HTTP
    if key[0] in ROUTES_BY_NAME
    and key[0] not in SHARED_THINGS
    and re.search(r"<(?:id|int):organisation_id>", ROUTES_BY_NAME[key[0]].route)
    and len(_PARAM.findall(ROUTES_BY_NAME[key[0]].route)) > 1
]


# --- the table and the URL conf agree -----------------------------------------------------------


def test_every_route_has_its_rows_in_the_matrix():
    missing = []
    for route in ROUTES:
        methods = route.methods or ()
        has_row = [key[1] for key in HTTP if key[0] == route.name]
        if not has_row:
            missing.append(f"{route.name} (/{route.route}) {'/'.join(methods) or 'any method'}")
        else:
            missing += [
                f"{route.name} (/{route.route}) {method}"
                for method in methods
                if method not in has_row and method not in ("HEAD", "OPTIONS")
            ]
    assert not missing, (
        "Routes with no row in the authorisation matrix: add a row per method to HTTP in "
        "tests/test_authorization_matrix.py saying what each persona gets:\n  "
        + "\n  ".join(missing)
    )


def test_every_row_names_a_route_that_exists():
    stale = [
        f"{name} {method}"
        for (name, method, *_which) in HTTP
        if name not in ROUTES_BY_NAME
        or (ROUTES_BY_NAME[name].methods and method not in ROUTES_BY_NAME[name].methods)
    ]
    assert not stale, (
        "Rows in tests/test_authorization_matrix.py HTTP for routes or methods the URL conf no "
        "longer has: remove them:\n  " + "\n  ".join(stale)
    )
    assert set(REQUESTS) <= set(HTTP), set(REQUESTS) - set(HTTP)


def test_every_row_says_what_each_persona_gets():
    for key, row in HTTP.items():
        assert set(row) == set(PERSONAS), (key, set(PERSONAS) ^ set(row))


def test_only_the_admin_is_left_out_and_the_api_is_walked():
    assert set(SKIPPED) == set(EXCLUDED_NAMESPACES) == {"admin"}
    assert "api:application_advance" in ROUTES_BY_NAME
    assert ROUTES_BY_NAME["api:application_advance"].methods == ("POST",)


# --- every route × every persona -----------------------------------------------------------------


@pytest.fixture(scope="module")
def _private_media(tmp_path_factory):
    """Licences and contract PDFs of the module's world go to one folder for the module (this
    replaces tests/conftest.py's per-test folder, which the module-wide world would outlive)."""
    folder = tmp_path_factory.mktemp("authorization")
    with override_settings(
        PRIVATE_MEDIA_ROOT=folder / "private",
        MEDIA_ROOT=folder / "media",
        REPLAY_ROOT=folder / "replays",
    ):
        yield


@pytest.fixture(scope="class")
def world(_private_media, django_db_setup, django_db_blocker):
    """The world, built once for the class and rolled back after it (each test's own
    transaction is a savepoint inside this one)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield world_make()
            transaction.set_rollback(True)


def _ask(
    world: World, persona: str, key: tuple[str, ...], **params_given: object
) -> tuple[str, HttpResponse, str]:
    name, method = key[:2]
    request = REQUESTS.get(key, Request())
    params = _default_params(world)
    if request.params is not None:
        params.update(request.params(world))
    params.update(params_given)
    url = _url(ROUTES_BY_NAME[name].route, params)
    data = request.data(world) if request.data is not None else {}
    client = world.client(persona)
    # Each persona's request in its own savepoint, rolled back: one persona's write (a job
    # closed, a member removed) is never what the next one finds.
    with transaction.atomic():
        if method == "POST" and request.content_type is None:
            response = client.post(url, data)  # a form, as a browser sends it
        elif method in ("POST", "PUT"):
            response = client.generic(
                method, url, data or "", content_type=request.content_type or ""
            )
        else:
            response = client.generic(method, url)
        transaction.set_rollback(True)
    return answer_of(response), response, url


@pytest.mark.django_db
class TestEveryRouteForEveryPersona:
    @pytest.mark.parametrize("key", list(HTTP), ids=[" ".join(key) for key in HTTP])
    def test_each_persona_gets_the_answer_the_matrix_says(self, world, key):
        # given the home organisation's things and every persona (the class's world)
        expected = HTTP[key]
        # when each persona asks
        wrong = []
        for persona in PERSONAS:
            got, response, url = _ask(world, persona, key)
            if got != expected[persona]:
                wrong.append(
                    f"{persona}: expected {expected[persona]}, got {got} "
                    f"({response.status_code} {response.get('Location', '')})"
                )
        # then each gets what the matrix says
        assert not wrong, f"{' '.join(key)} {url}:\n  " + "\n  ".join(wrong)

    @pytest.mark.parametrize(
        "key", CROSS_ORGANISATION, ids=[" ".join(key) for key in CROSS_ORGANISATION]
    )
    def test_a_member_cannot_reach_the_home_organisations_things_through_their_own(
        self, world, key
    ):
        # given the owner of another organisation, and a URL naming their own organisation
        # with one of home's things in it (an application, a job, an interview, …)
        # when they ask
        got, response, url = _ask(
            world, "other_member", key, organisation_id=world.other_organisation.pk
        )
        # then the thing is not found: each view looks it up within the organisation it checked
        assert got == E404, f"{' '.join(key)} {url}: got {response.status_code}"


# --- WebSockets --------------------------------------------------------------------------------

WATCH, VIEWER, ANCHOR, MODERATOR = "watch", "viewer", "anchor", "moderator"
CANDIDATE, INTERVIEWER, REFUSED = "candidate", "interviewer", "refused"

# (route, whose link / which room) -> persona -> what the socket gets:
#   room chat: WATCH (connected, may not chat: anonymous), else the role its chat message
#   carries (ANCHOR: a current member of the room's organisation);
#   interview call: the participant role it joins as, or REFUSED (error, close 4403).
WEBSOCKET: dict[tuple[str, str], dict[str, str]] = {
    ("ws/rooms/<id:room_id>/", "the home room"): {
        **dict.fromkeys(PERSONAS, VIEWER),
        "anonymous": WATCH,
        "owner": ANCHOR,
        "hr": ANCHOR,
        "anchor": ANCHOR,
        "moderator": MODERATOR,
        # removed: off the room's anchors, and no longer speaks as the organisation
        "ex_member": VIEWER,
    },
    ("ws/interviews/<str:token>/", "the seeker's link"): {
        **dict.fromkeys(PERSONAS, REFUSED),
        "seeker": CANDIDATE,
    },
    ("ws/interviews/<str:token>/", "the owner's link"): {
        **dict.fromkeys(PERSONAS, REFUSED),
        "owner": INTERVIEWER,
    },
    ("ws/interviews/<str:token>/", "the anchor's link (on the panel)"): {
        **dict.fromkeys(PERSONAS, REFUSED),
        "anchor": INTERVIEWER,
    },
    # Removed from the organisation: the seat's link opens nothing, even for its own user.
    ("ws/interviews/<str:token>/", "the ex-member's old link"): dict.fromkeys(PERSONAS, REFUSED),
}

WEBSOCKET_PARAMS: dict[tuple[str, str], Callable[[World], dict[str, object]]] = {
    ("ws/rooms/<id:room_id>/", "the home room"): lambda w: {"room_id": w.room.pk},
    ("ws/interviews/<str:token>/", "the seeker's link"): lambda w: {"token": w.tokens["seeker"]},
    ("ws/interviews/<str:token>/", "the owner's link"): lambda w: {"token": w.tokens["owner"]},
    ("ws/interviews/<str:token>/", "the anchor's link (on the panel)"): lambda w: {
        "token": w.tokens["anchor"]
    },
    ("ws/interviews/<str:token>/", "the ex-member's old link"): lambda w: {
        "token": w.tokens["ex_member"]
    },
}


def test_every_websocket_route_has_rows_and_every_row_a_route():
    routes = set(websocket_routes())
    covered = {route for route, _ in WEBSOCKET}
    assert not routes - covered, (
        f"WebSocket routes with no row: add them to WEBSOCKET in "
        f"tests/test_authorization_matrix.py: {sorted(routes - covered)}"
    )
    assert not covered - routes, f"rows for WebSocket routes that are gone: {covered - routes}"
    assert set(WEBSOCKET_PARAMS) == set(WEBSOCKET)
    for key, row in WEBSOCKET.items():
        assert set(row) == set(PERSONAS), (key, set(PERSONAS) ^ set(row))


async def _socket_answer(path: str, cookie: bytes | None, persona: str) -> str:
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    headers = [(b"origin", b"http://localhost")]
    if cookie:
        headers.append((b"cookie", cookie))
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect(timeout=5)
    if not connected:
        return REFUSED
    try:
        if path.startswith("/ws/interviews/"):
            event = json.loads(await socket.receive_from(timeout=5))
            if event["kind"] != "hello":
                return REFUSED
            return event["data"]["you"]["role"]
        frame = json.loads(await socket.receive_from(timeout=5))
        hello = next(e["data"] for e in frame["events"] if e["kind"] == "hello")
        if not hello["can_send"]:
            return WATCH
        text = f"大家好{PERSONAS.index(persona)}"
        await socket.send_to(text_data=json.dumps({"kind": "chat", "text": text, "token": text}))
        while True:
            frame = json.loads(await socket.receive_from(timeout=5))
            for event in frame["events"]:
                if event["kind"] == "chat" and event["data"]["text"] == text:
                    return event["data"]["role"]
                if event["kind"] == "error":
                    return f"error {event['data']['code']}"
    finally:
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
def test_each_persona_joins_each_socket_as_the_matrix_says():
    from asgiref.sync import async_to_sync

    from daigang.live.chat_db import live_db_close

    # given the world, committed (sockets read it from other threads)
    world = world_make()
    wrong = []
    for key, row in WEBSOCKET.items():
        path = _url(key[0], WEBSOCKET_PARAMS[key](world))
        for persona in PERSONAS:
            session = world.sessions.get(persona)
            cookie = f"{settings.SESSION_COOKIE_NAME}={session}".encode() if session else None
            # when the persona opens the socket (and, in a room, chats)
            got = async_to_sync(_socket_answer)(path, cookie, persona)
            # then it is let in, in the role the matrix says, or refused
            if got != row[persona]:
                wrong.append(f"{path} ({key[1]}) {persona}: expected {row[persona]}, got {got}")
    async_to_sync(live_db_close)()
    assert not wrong, "\n".join(wrong)
