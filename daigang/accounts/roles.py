"""Who may do what: the one table of an organisation's roles and their powers.

Every check of "may this user do this for this organisation" goes through
daigang.accounts.selectors.membership_get / membership_has / organisation_for_member, which
read this table and the user's membership row at the moment of the request (no role is
cached in the session, so removing a member or changing a role takes effect at once).
README.md "Who may do what" shows the same table; change both together.
"""

from __future__ import annotations

import enum

from daigang.accounts.models import Membership

OWNER = Membership.Role.OWNER.value
HR = Membership.Role.HR.value
ANCHOR = Membership.Role.ANCHOR.value
# A public employment bureau's roles: the operator runs its job fairs, the matchmaker
# (就业服务专员) follows seekers, the viewer only reads the numbers.
OPERATOR = Membership.Role.OPERATOR.value
MATCHMAKER = Membership.Role.MATCHMAKER.value
VIEWER = Membership.Role.VIEWER.value
BUREAU_ROLES = frozenset({OPERATOR, MATCHMAKER, VIEWER})


class Power(enum.StrEnum):
    # Any member: the organisation's own page, being put on camera, speaking as the
    # organisation in a room's chat, sitting on an interview panel, seeing its draft jobs.
    ORGANISATION_SEE = "organisation_see"
    # The organisation's licence documents: any member, and moderators (who review them).
    DOCUMENTS_SEE = "documents_see"
    # Edit the organisation, renew its verification, add and remove members.
    ORGANISATION_MANAGE = "organisation_manage"
    JOBS_WRITE = "jobs_write"
    # Schedule live rooms and see the organisation's list of them.
    ROOMS_SCHEDULE = "rooms_schedule"
    # Run any of the organisation's rooms (console, pin, stream key). A room's own anchors
    # run that room whatever their role, while members: that list is per room
    # (live.selectors.room_can_run).
    ROOMS_RUN = "rooms_run"
    # See applications with the seeker's full phone, notes and tags; move them along the
    # pipeline, reject them; the pipeline's settings and numbers.
    APPLICATIONS = "applications"
    # Schedule, cancel and finish interviews (a panel member records verdicts with
    # ORGANISATION_SEE: anchors may sit on a panel).
    INTERVIEWS = "interviews"
    CONTRACTS = "contracts"
    # A bureau: create and run job fairs, approve the organisations that join them.
    FAIRS_RUN = "fairs_run"
    # A bureau: read the numbers of its fairs and of the bureaus below it, and export them.
    STATS_SEE = "stats_see"
    # An employer: register for a bureau's fair with its jobs.
    FAIRS_JOIN = "fairs_join"
    # Moderate a room's chat: delete messages, mute viewers, ban them from the organisation's
    # rooms. An anchor moderates only the rooms they are on (live.moderation.room_can_moderate).
    CHAT_MODERATE = "chat_moderate"
    # A room's slow mode and the organisation's blocked words.
    CHAT_SETTINGS = "chat_settings"
    # Reports against the organisation (daigang.safety): read the moderators' decisions and
    # the evidence, and appeal a decision once.
    CASES = "cases"
    # A bureau's or a labour agency's matchmaker: their own caseload (the seekers who consented:
    # details, full phone, applications), follow-ups, recommending jobs, their invite link.
    CASELOAD = "caseload"
    # A bureau or labour agency: assign a seeker (by phone) to one of its matchmakers.
    CASELOAD_ASSIGN = "caseload_assign"
    # A bureau: the assistance list (帮扶) of seekers in its region who keep applying or being
    # interviewed without an offer, its thresholds, and assigning them to its matchmakers.
    ASSISTANCE = "assistance"
    # A bureau: write, publish and unpublish its policy explainers (政策解读). Any member reads
    # them, drafts included (ORGANISATION_SEE).
    POLICIES_WRITE = "policies_write"
    # A bureau, or a training organisation a bureau approved (daigang.courses.CourseProvider):
    # publish free skills courses (课程), their lessons and videos. A bureau's holders also
    # approve, refuse and revoke the training organisations.
    COURSES_WRITE = "courses_write"


ROLES_WITH: dict[Power, frozenset[str]] = {
    Power.ORGANISATION_SEE: frozenset({OWNER, HR, ANCHOR}) | BUREAU_ROLES,
    Power.DOCUMENTS_SEE: frozenset({OWNER, HR, ANCHOR}) | BUREAU_ROLES,
    Power.ORGANISATION_MANAGE: frozenset({OWNER}),
    Power.JOBS_WRITE: frozenset({OWNER, HR}),
    Power.ROOMS_SCHEDULE: frozenset({OWNER, HR, ANCHOR, OPERATOR}),
    Power.ROOMS_RUN: frozenset({OWNER}),
    Power.APPLICATIONS: frozenset({OWNER, HR}),
    Power.INTERVIEWS: frozenset({OWNER, HR}),
    Power.CONTRACTS: frozenset({OWNER, HR}),
    Power.FAIRS_RUN: frozenset({OWNER, OPERATOR}),
    Power.STATS_SEE: frozenset({OWNER, OPERATOR, MATCHMAKER, VIEWER}),
    Power.FAIRS_JOIN: frozenset({OWNER, HR}),
    Power.CHAT_MODERATE: frozenset({OWNER, HR, ANCHOR}),
    Power.CHAT_SETTINGS: frozenset({OWNER, HR}),
    Power.CASES: frozenset({OWNER, HR}),
    Power.CASELOAD: frozenset({MATCHMAKER}),
    Power.CASELOAD_ASSIGN: frozenset({OWNER, OPERATOR}),
    Power.ASSISTANCE: frozenset({OWNER, OPERATOR}),
    Power.POLICIES_WRITE: frozenset({OWNER, OPERATOR}),
    Power.COURSES_WRITE: frozenset({OWNER, OPERATOR}),
}

# Platform moderators (active staff) are members of no organisation; they review every
# organisation, so they may see any organisation's licence documents and moderate any room's
# chat, and nothing else here (their review pages check is_staff themselves:
# accounts.selectors.organisation_for_moderator).
MODERATOR_POWERS: frozenset[Power] = frozenset({Power.DOCUMENTS_SEE, Power.CHAT_MODERATE})

# The bureau roles are roles of a bureau's members; FAIRS_RUN and STATS_SEE mean something
# only for a bureau (daigang.fairs checks the organisation's kind as well). CASELOAD and
# CASELOAD_ASSIGN mean something for a bureau or a labour agency (daigang.matchmaking checks);
# ASSISTANCE only for a bureau, which has a region (daigang.matchmaking.assistance checks).


def roles_with(power: Power) -> frozenset[str]:
    return ROLES_WITH[power]
