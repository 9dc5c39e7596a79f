"""The JSON API at /api/v1/ with its OpenAPI document at /api/v1/openapi.json.

Each domain app contributes a router; this module only assembles them.
"""

from __future__ import annotations

from django.db import DatabaseError

from daigang.core.api import DocumentedApi, api_exception_handlers_install, refused_response
from daigang.core.refused import Refused
from daigang.core.unavailable import api_database_error
from daigang.jobs.api import organisations_router
from daigang.jobs.api import router as jobs_router
from daigang.live.api import router as rooms_router

api = DocumentedApi(
    title="daigang API",
    version="1",
    description="直播带岗 — jobs, organisations, live rooms and applications.",
    urls_namespace="api",
)
api_exception_handlers_install(api)
api.add_router("/jobs", jobs_router)
api.add_router("/organisations", organisations_router)
api.add_router("/rooms", rooms_router)
api.add_router("/applications", "daigang.hiring.apply.api.router")
api.add_router("", "daigang.hiring.pipeline.api.router")  # the pipeline: /applications/{id}/…
api.add_router("", "daigang.safety.api.router")  # /reports, /organisations/{id}/cases
api.add_router("/me", "daigang.matchmaking.api.router")  # the seeker's profile
api.add_router("", "daigang.matchmaking.api.assistance_router")  # a bureau's 帮扶名单
# A database that cannot serve (busy, down, disk full, read-only) is a 503, not a 500.
# (ninja types a handler's exception as instance-or-class; it always passes the instance.)
api.add_exception_handler(DatabaseError, api_database_error)  # type: ignore[arg-type]
# A service that says no: its status, and {code, message, detail, field}.
api.add_exception_handler(Refused, refused_response)  # type: ignore[arg-type]
