"""The one login guard of the JSON API. (HTML pages use Django's login_required.)

Session cookie + CSRF token; ninja answers an anonymous request with 401 JSON before the
endpoint runs. Endpoints then ask accounts.selectors (membership_get, organisation_for_member)
what the user may do, and answer 404 for anything they may not see.

The one exception is POST /api/v1/applications, which daigang.hiring.apply.http checks itself
so that the ASGI fast path and the ninja view answer identically.
"""

from __future__ import annotations

from ninja.security import SessionAuth

session_auth = SessionAuth(csrf=True)
