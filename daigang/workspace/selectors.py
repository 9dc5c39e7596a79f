"""The workspace of an organisation's member: the one navigation of its member pages and the
numbers on its home (the organisation's page).

The pages it links to belong to every domain app (jobs, live, hiring, interviews, contracts,
fairs, matchmaking), so this package sits above them: it reads their rows and names their
URLs, and their templates draw the navigation through its template tag (`{% workspace_nav %}`,
as they draw the 举报 link through daigang.safety's), never the other way round.

What an item needs is the same power its page checks (daigang.accounts.roles): a member sees
only what they may open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.roles import Power, roles_with
from daigang.accounts.selectors import membership_get
from daigang.courses.selectors import provider_is_approved
from daigang.hiring.models import Application, Stage
from daigang.live.models import Room

# How many items the phone's bottom bar shows before the rest go behind 更多.
BAR_SIZE = 5

_KIND_BUREAU = Organisation.Kind.BUREAU.value
_KIND_AGENCY = Organisation.Kind.AGENCY.value
_KIND_TRAINING = Organisation.Kind.TRAINING.value


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str


@dataclass(frozen=True)
class Workspace:
    """A member's view of their organisation: who they are in it and what they may open."""

    organisation: Organisation
    membership: Membership
    # Every item the member may open, in the side bar's order.
    items: tuple[NavItem, ...]
    # The phone's bottom bar: the most used items, and the rest behind 更多.
    bar: tuple[NavItem, ...]
    more: tuple[NavItem, ...]
    # The room whose console the 直播控制台 item opens (live now, else the next one), if any.
    console_room: Room | None

    def may(self, power: Power) -> bool:
        return self.membership.role in roles_with(power)

    def item(self, key: str) -> NavItem | None:
        return next((item for item in self.items if item.key == key), None)

    def current(self, path: str) -> str | None:
        """The key of the item `path` belongs to: the item whose URL is its longest prefix
        (an application's page belongs to 报名, whose list it was opened from)."""
        best: NavItem | None = None
        for item in self.items:
            if "#" in item.url:  # a section of another item's page
                continue
            if path == item.url or (path.startswith(item.url) and item.key != "home"):
                if best is None or len(item.url) > len(best.url):
                    best = item
        return best.key if best else None


# The phone's bottom bar takes the first BAR_SIZE - 1 of these the member may open (the last
# place is 更多); with BAR_SIZE items or fewer, all of them.
_BAR_ORDER = (
    "home",
    "board",
    "applications",
    "console",
    "rooms",
    "fairs",
    "caseload",
    "interviews",
    "jobs",
    "contracts",
    "table",
    "stats",
    "numbers",
    "assistance",
    "policies",
    "courses",
    "training",
    "settings",
)


def _console_room(*, membership: Membership) -> Room | None:
    """The room live now, else the next scheduled one, among those the member may run: all of
    the organisation's (ROOMS_RUN) or those they anchor (live.selectors.room_can_run)."""
    rooms = Room.objects.filter(
        organisation_id=membership.organisation_id,
        taken_down_at__isnull=True,
    ).filter(state__in=[Room.State.LIVE, Room.State.INTERRUPTED, Room.State.SCHEDULED])
    if membership.role not in roles_with(Power.ROOMS_RUN):
        rooms = rooms.filter(anchors=membership.user_id)
    return (
        # An interrupted room is on too: its anchor goes back to the console to resume it.
        rooms.annotate(
            live_first=Case(
                When(state__in=[Room.State.LIVE, Room.State.INTERRUPTED], then=0), default=1
            )
        )
        .order_by("live_first", "planned_start", "id")
        .first()
    )


def _items(
    *, organisation: Organisation, membership: Membership, console_room: Room | None
) -> list[NavItem]:
    role = membership.role
    kind = organisation.kind
    args = [organisation.pk]

    def may(power: Power) -> bool:
        return role in roles_with(power)

    items = [NavItem("home", _("工作台"), reverse("accounts:organisation_detail", args=args))]
    if may(Power.JOBS_WRITE):
        items.append(NavItem("jobs", _("岗位"), reverse("jobs:manage", args=args)))
    if may(Power.ROOMS_SCHEDULE):
        items.append(NavItem("rooms", _("直播间"), reverse("live:manage_rooms", args=args)))
    if console_room is not None:
        items.append(
            NavItem("console", _("直播控制台"), reverse("live:console", args=[console_room.pk]))
        )
    if may(Power.APPLICATIONS):
        items += [
            NavItem("applications", _("报名"), reverse("hiring:back_office", args=args)),
            NavItem("board", _("看板"), reverse("hiring:pipeline_board", args=args)),
            NavItem("table", _("表格"), reverse("hiring:pipeline_table", args=args)),
        ]
    if may(Power.INTERVIEWS):
        items.append(NavItem("interviews", _("面试"), reverse("interviews:list", args=args)))
    if may(Power.CONTRACTS):
        items.append(
            NavItem("contracts", _("合同"), reverse("contracts:manage_contracts", args=args))
        )
    if may(Power.APPLICATIONS):
        items.append(NavItem("stats", _("数据"), reverse("hiring:pipeline_stats", args=args)))
    if kind == _KIND_BUREAU and may(Power.STATS_SEE):
        items.append(NavItem("fairs", _("招聘会"), reverse("fairs:bureau_fairs", args=args)))
    if kind in (_KIND_BUREAU, _KIND_AGENCY):
        if may(Power.CASELOAD) or may(Power.CASELOAD_ASSIGN):
            items.append(
                NavItem("caseload", _("服务对象"), reverse("matchmaking:caseload", args=args))
            )
        if may(Power.STATS_SEE):
            items.append(
                NavItem("numbers", _("专员数据"), reverse("matchmaking:numbers", args=args))
            )
    if kind == _KIND_BUREAU:
        # Every member reads the bureau's policies; operators write them (POLICIES_WRITE).
        items.append(NavItem("policies", _("政策"), reverse("policies:manage", args=args)))
    if kind == _KIND_BUREAU and may(Power.COURSES_WRITE):
        items.append(NavItem("courses", _("课程"), reverse("courses:manage_list", args=args)))
    elif kind == _KIND_BUREAU and may(Power.STATS_SEE):
        items.append(NavItem("courses", _("课程数据"), reverse("courses:manage_stats", args=args)))
    if kind == _KIND_TRAINING:
        # A training organisation publishes courses once a bureau approved it (one query).
        if may(Power.COURSES_WRITE) and provider_is_approved(organisation_id=organisation.pk):
            items.append(NavItem("courses", _("课程"), reverse("courses:manage_list", args=args)))
        if may(Power.ORGANISATION_MANAGE):
            items.append(NavItem("training", _("开课资格"), reverse("courses:training", args=args)))
    if kind == _KIND_BUREAU and may(Power.ASSISTANCE):
        items.append(
            NavItem("assistance", _("帮扶名单"), reverse("matchmaking:assistance", args=args))
        )
    items.append(
        NavItem(
            "settings",
            _("单位设置"),
            reverse("accounts:organisation_detail", args=args) + "#settings",
        )
    )
    return items


def _bar(items: list[NavItem]) -> tuple[tuple[NavItem, ...], tuple[NavItem, ...]]:
    if len(items) <= BAR_SIZE:
        return tuple(items), ()
    keys = {item.key for item in items}
    first = [key for key in _BAR_ORDER if key in keys][: BAR_SIZE - 1]
    bar = tuple(item for item in items if item.key in first)
    return bar, tuple(item for item in items if item.key not in first)


def workspace_for(*, user: User, organisation_id: int) -> Workspace | None:
    """`user`'s workspace in the organisation, or None if they are not a member (moderators,
    who see some organisations' pages, have no workspace there). Two queries: the membership
    and the room of the console (a training organisation: and whether a bureau approved it)."""
    membership = membership_get(
        user=user, organisation_id=organisation_id, power=Power.ORGANISATION_SEE
    )
    if membership is None:
        return None
    organisation = membership.organisation
    console_room = _console_room(membership=membership)
    items = _items(organisation=organisation, membership=membership, console_room=console_room)
    bar, more = _bar(items)
    return Workspace(
        organisation=organisation,
        membership=membership,
        items=tuple(items),
        bar=bar,
        more=more,
        console_room=console_room,
    )


@dataclass(frozen=True)
class WorkspaceNumbers:
    """The few live numbers on the workspace home; None where the member may not see them."""

    applications_today: int | None
    applications_new: int | None
    rooms_live: int


def workspace_numbers(*, workspace: Workspace, now: dt.datetime | None = None) -> WorkspaceNumbers:
    """Today's applications (since local midnight), those still waiting to be contacted, and the
    organisation's rooms live now. One query each, on indexed columns."""
    now = now or timezone.now()
    organisation_id = workspace.organisation.pk
    today, new = None, None
    if workspace.may(Power.APPLICATIONS):
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        applications = Application.objects.filter(organisation_id=organisation_id)
        today = applications.filter(created_at__gte=midnight).count()
        new = applications.filter(stage=Stage.APPLIED, custom_stage__isnull=True).count()
    live = Room.objects.filter(
        organisation_id=organisation_id, state=Room.State.LIVE, taken_down_at__isnull=True
    ).count()
    return WorkspaceNumbers(applications_today=today, applications_new=new, rooms_live=live)
