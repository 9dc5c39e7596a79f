"""Hourly budgets of distinct numbers a session and a client address may ask codes for.

Counted in Django's cache (Redis when REDIS_URL is set, so every process shares them) with
atomic add/incr, never read-modify-write. The windows are clock hours: simple to share, and at
worst a client gets two budgets' worth around the turn of an hour.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from daigang.accounts.clients import PhoneClient
from daigang.core.refused import Throttled

WINDOW_SECONDS = 3600


def _spend(*, key: str, phone: str, limit: int, expires_in: int) -> bool | None:
    """Count `phone` once in the window under `key`: True if counted now, None if it was
    counted already this window (free), False if past `limit` (then not counted)."""
    seen_key = f"{key}:seen:{phone}"
    if not cache.add(seen_key, 1, timeout=expires_in):
        return None
    count_key = f"{key}:count"
    cache.add(count_key, 0, timeout=expires_in)
    try:
        count = cache.incr(count_key)
    except ValueError:  # expired between add and incr: the window has just ended
        cache.add(count_key, 0, timeout=expires_in)
        count = cache.incr(count_key)
    if count > limit:
        cache.delete(seen_key)
        return False
    return True


def _unspend(*, key: str, phone: str) -> None:
    cache.delete(f"{key}:seen:{phone}")
    try:
        cache.decr(f"{key}:count")
    except ValueError:
        pass


def sms_budget_spend(*, client: PhoneClient, phone: str, now: float | None = None) -> None:
    """Count `phone` against `client`'s session and address budgets for this hour.

    A number already counted this hour is free (its own limits are per number). Raises
    Throttled (code "client_limit", retry_after until the hour ends) past either.
    """
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    expires_in = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
    budgets = [
        (
            f"sms-budget:session:{window}:{client.session_hash}",
            settings.SMS_NUMBERS_PER_SESSION_HOUR,
        ),
        (f"sms-budget:address:{window}:{client.address}", settings.SMS_NUMBERS_PER_ADDRESS_HOUR),
    ]
    spent: list[str] = []
    for key, limit in budgets:
        counted = _spend(key=key, phone=phone, limit=limit, expires_in=expires_in)
        if counted is False:
            # The budgets already counted give the number back: nothing was sent.
            for earlier in spent:
                _unspend(key=earlier, phone=phone)
            raise Throttled(
                "client_limit",
                _("获取验证码的手机号太多，请%(minutes)d分钟后再试")
                % {"minutes": math.ceil(expires_in / 60)},
                retry_after=expires_in,
            )
        if counted:
            spent.append(key)
