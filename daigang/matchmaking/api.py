"""The seeker's profile in the JSON API (session cookie + CSRF, like the rest of /api/v1/).

GET /api/v1/me/profile   the profile (every field empty before the first save)
PUT /api/v1/me/profile   replace it whole: the same body twice leaves the same profile

A bureau's owner or operator:
GET /api/v1/organisations/{organisation_id}/assistance   the assistance list (帮扶名单), masked
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema

from daigang.accounts.api_auth import session_auth
from daigang.accounts.http import AuthenticatedApiRequest
from daigang.accounts.models import SeekerProfile
from daigang.accounts.services.profiles import (
    LIST_MAX_ITEMS,
    WORK_HISTORY_MAX,
    ProfileData,
    seeker_profile_of,
    seeker_profile_save,
)
from daigang.core.api import ObjectBody, api_errors
from daigang.core.ids import ObjectId
from daigang.matchmaking import assistance

router = Router(tags=["profile"])


class ProfileIn(ObjectBody):
    name: str = Field("", max_length=50)
    birth_year: int | None = Field(None, ge=1900, le=2100)
    # A region code (GB/T 2260), e.g. "620102"; "" for none.
    home_region: str = Field("", max_length=12)
    current_city: str = Field("", max_length=50)
    work_kinds: list[str] = Field(default_factory=list, max_length=LIST_MAX_ITEMS * 2)
    wage_wanted: int | None = Field(None, ge=1, le=10_000_000)
    # Values of SeekerProfile.Need: board, couple_rooms, day_shift, no_cleanroom, sitting,
    # weekly_pay.
    needs: list[str] = Field(default_factory=list, max_length=20)
    # graduates, migrant_workers, veterans, disabled, lifted, difficulties, women
    target_groups: list[str] = Field(default_factory=list, max_length=20)
    certificates: list[str] = Field(default_factory=list, max_length=LIST_MAX_ITEMS * 2)
    work_history: str = Field("", max_length=WORK_HISTORY_MAX)


class ProfileOut(Schema):
    name: str
    birth_year: int | None
    home_region: str
    home_region_name: str
    current_city: str
    work_kinds: list[str]
    wage_wanted: int | None
    needs: list[str]
    target_groups: list[str]
    certificates: list[str]
    work_history: str
    updated_at: dt.datetime | None


def _out(profile: SeekerProfile | None) -> dict:
    if profile is None:
        return {
            "name": "",
            "birth_year": None,
            "home_region": "",
            "home_region_name": "",
            "current_city": "",
            "work_kinds": [],
            "wage_wanted": None,
            "needs": [],
            "target_groups": [],
            "certificates": [],
            "work_history": "",
            "updated_at": None,
        }
    return {
        "name": profile.name,
        "birth_year": profile.birth_year,
        "home_region": profile.home_region_id or "",
        "home_region_name": profile.home_region.name if profile.home_region else "",
        "current_city": profile.current_city,
        "work_kinds": profile.work_kinds,
        "wage_wanted": profile.wage_wanted,
        "needs": profile.needs,
        "target_groups": profile.target_groups,
        "certificates": profile.certificates,
        "work_history": profile.work_history,
        "updated_at": profile.updated_at,
    }


@router.get(
    "/profile",
    response={200: ProfileOut, **api_errors(401)},
    auth=session_auth,
    summary="The seeker's own profile (求职资料); empty fields before the first save",
    url_name="profile",
)
def profile_get(request: AuthenticatedApiRequest):
    return _out(seeker_profile_of(user=request.auth))


@router.put(
    "/profile",
    response={200: ProfileOut, **api_errors(400, 401, 403, 422)},
    auth=session_auth,
    summary="Replace the seeker's own profile (idempotent: the same body leaves the same profile)",
    url_name="profile",
)
def profile_put(request: AuthenticatedApiRequest, payload: ProfileIn):
    """Every field is optional; what is left out is emptied. 400 with `field` when a value is
    out of range (an unknown region code, need or group; more than 10 work kinds or
    certificates, or one longer than 20 characters)."""
    seeker_profile_save(user=request.auth, data=ProfileData(**payload.dict()))
    return _out(seeker_profile_of(user=request.auth))


# --- a bureau's assistance list (帮扶): GET /api/v1/organisations/{id}/assistance ---------------

assistance_router = Router(tags=["assistance"])


class AssistanceSettingsOut(Schema):
    applications_min: int
    interviews_min: int
    window_days: int


class ListedOut(Schema):
    seeker_id: int
    # Masked: the bureau has no consent from a listed seeker (王** · 138****1234).
    name: str
    masked_phone: str
    applications: int
    interviews: int
    reason: str


class HelpedOut(Schema):
    seeker_id: int
    # Whole only while the seeker consents to the matchmaker; masked otherwise.
    name: str
    masked_phone: str
    matchmaker: str
    state: str = Field(description="waiting, consented or left")
    reason: str
    assigned_at: dt.datetime
    # The first 已签约/已入职 after the assignment; null unless the seeker consents.
    hired_at: dt.datetime | None


class AssistanceOut(Schema):
    settings: AssistanceSettingsOut
    total: int
    listed: list[ListedOut]
    helped: list[HelpedOut]
    assisted: int
    hired_after: int


@assistance_router.get(
    "/organisations/{int:organisation_id}/assistance",
    response={200: AssistanceOut, **api_errors(401, 404, 422)},
    auth=session_auth,
    summary="A bureau's assistance list (帮扶名单), who it helped and its two figures "
    "(owner, operator)",
    url_name="assistance",
)
def assistance_read(request: AuthenticatedApiRequest, organisation_id: ObjectId):
    bureau = assistance.assistance_bureau_for(user=request.auth, organisation_id=organisation_id)
    listing = assistance.assistance_list(bureau=bureau)
    numbers = assistance.assistance_numbers(bureau=bureau)
    return {
        "settings": {
            "applications_min": listing.settings.applications_min,
            "interviews_min": listing.settings.interviews_min,
            "window_days": listing.settings.window_days,
        },
        "total": listing.total,
        "listed": [
            {
                "seeker_id": row.seeker_id,
                "name": row.name,
                "masked_phone": row.masked_phone,
                "applications": row.applications,
                "interviews": row.interviews,
                "reason": row.reason,
            }
            for row in listing.rows
        ],
        "helped": [
            {
                "seeker_id": row.assistance.seeker_id,
                "name": row.name,
                "masked_phone": row.masked_phone,
                "matchmaker": row.matchmaker,
                "state": row.state,
                "reason": row.assistance.reason,
                "assigned_at": row.assistance.assigned_at,
                "hired_at": row.hired_at,
            }
            for row in assistance.assistance_helped(bureau=bureau)
        ],
        "assisted": numbers.assisted,
        "hired_after": numbers.hired_after,
    }
