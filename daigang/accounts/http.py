"""Request types for views behind the login guards, so `request.user` is a User.

Django types `request.user` as `User | AnonymousUser`; behind `@login_required` (HTML) or
`session_auth` (API) it can only be a User. Annotating such views with these types states
that once, in the signature, instead of a cast in every view.
"""

from __future__ import annotations

from daigang.accounts.models import User
from daigang.core.http import HtmxRequest


class AuthenticatedRequest(HtmxRequest):
    """The request of a view decorated with `@login_required` (or of an admin action: the
    admin site lets in logged-in staff only)."""

    user: User


class AuthenticatedApiRequest(AuthenticatedRequest):
    """The request of a ninja endpoint guarded by `session_auth`: `auth` is the same User."""

    auth: User
