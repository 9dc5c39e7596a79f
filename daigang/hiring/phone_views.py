"""The audit of full-phone views: who in an organisation saw which seeker's number, where.

Every page and API answer that shows an organisation a seeker's full phone calls
`phone_views_record` once with everything it shows: one bulk insert per request, one row per
seeker (a seeker shown twice on a page is one view). Masked numbers (consent withdrawn, account
deleted) are not views and are not recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import User
from daigang.hiring.models import Application, PhoneView

# Where a phone was seen; the owner's audit page shows these names.
SOURCE_BACK_OFFICE = "back_office"
SOURCE_BOARD = "pipeline_board"
SOURCE_TABLE = "pipeline_table"
SOURCE_APPLICATION = "application_detail"
SOURCE_OFFER = "offer"
SOURCE_CONTRACT = "contract"
SOURCE_API_APPLICATION = "api:application"
SOURCE_API_LIST = "api:organisation_applications"
# The anchor's console of a room: its arriving applicants (daigang.hiring.apply.console).
SOURCE_CONSOLE = "live_console"
# A matchmaker's page about a seeker in their caseload (daigang.matchmaking): no application.
SOURCE_CASELOAD = "caseload"

PHONE_VIEWS_PAGE_SIZE = 200


def source_labels() -> dict[str, str]:
    """Each source's name in the UI language."""
    return {
        SOURCE_BACK_OFFICE: _("报名列表"),
        SOURCE_BOARD: _("招聘看板"),
        SOURCE_TABLE: _("报名表格"),
        SOURCE_APPLICATION: _("报名详情"),
        SOURCE_OFFER: _("录用与签约"),
        SOURCE_CONTRACT: _("合同"),
        SOURCE_API_APPLICATION: _("接口：单个报名"),
        SOURCE_API_LIST: _("接口：报名列表"),
        SOURCE_CASELOAD: _("就业服务专员：服务对象"),
        SOURCE_CONSOLE: _("直播控制台"),
    }


def phone_views_record(
    *,
    viewer: User,
    organisation_id: int,
    applications: Iterable[Application],
    source: str,
    now: dt.datetime | None = None,
) -> int:
    """Record that `viewer` saw the full phone of each application's seeker; returns the rows
    written. One INSERT whatever the number of applications (none when nothing was shown)."""
    at = now or timezone.now()
    rows: dict[int, PhoneView] = {}
    for application in applications:
        if not application.consent_active or application.seeker_id in rows:
            continue
        rows[application.seeker_id] = PhoneView(
            organisation_id=organisation_id,
            viewer_id=viewer.pk,
            seeker_id=application.seeker_id,
            application_id=application.pk,
            source=source[:40],
            at=at,
        )
    if rows:
        PhoneView.objects.bulk_create(rows.values())
    return len(rows)


def phone_views_record_seeker(
    *, viewer: User, organisation_id: int, seeker_id: int, source: str
) -> PhoneView:
    """Record that `viewer` saw the full phone of a seeker shown outside any application
    (a matchmaker following a seeker who consented)."""
    return PhoneView.objects.create(
        organisation_id=organisation_id, viewer_id=viewer.pk, seeker_id=seeker_id, source=source
    )


def phone_views_of_organisation(
    *, organisation_id: int, limit: int = PHONE_VIEWS_PAGE_SIZE
) -> QuerySet[PhoneView]:
    """The organisation's newest phone views with viewer, seeker and application joined."""
    return (
        PhoneView.objects.filter(organisation_id=organisation_id)
        .select_related("viewer", "seeker", "application__job")
        .order_by("-at", "-id")[:limit]
    )
