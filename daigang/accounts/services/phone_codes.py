"""Phone login: SMS codes that expire, are stored hashed, and are rate limited."""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from daigang.accounts.clients import PhoneClient
from daigang.accounts.models import (
    PHONE_CODE_MAX_ATTEMPTS,
    PHONE_CODE_VALID_FOR,
    PhoneCode,
    PhoneCodeLock,
    PhoneDevice,
    User,
)
from daigang.accounts.services.sms_budgets import sms_budget_spend
from daigang.accounts.sms import SmsSendError, sms_send
from daigang.core.phones import phone_normalize
from daigang.core.refused import Refused, Throttled

PHONE_CODE_RESEND_AFTER = dt.timedelta(seconds=60)
PHONE_CODE_DAILY_LIMIT = 10
PHONE_CODE_KNOWN_DEVICE_DAILY_LIMIT = 5
# Old codes of a number are deleted when it asks for a new one; the daily limit needs one day.
PHONE_CODE_KEEP_FOR = dt.timedelta(days=2)
_CODE_RE = re.compile(r"^[0-9]{6}$")


def phone_code_hash(*, phone: str, code: str) -> str:
    """HMAC-SHA256 keyed with SECRET_KEY: a leaked database does not give codes away."""
    return salted_hmac(
        "daigang.accounts.phone_code", f"{phone}:{code}", algorithm="sha256"
    ).hexdigest()


def _phone_or_error(raw: str) -> str:
    try:
        return phone_normalize(raw)
    except ValidationError as exc:
        raise Refused("invalid_phone", exc.messages[0], field="phone") from exc


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return _("%(n)d秒") % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return _("%(n)d分钟") % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    if minutes == 0:
        return _("%(h)d小时") % {"h": hours}
    return _("%(h)d小时%(m)d分钟") % {"h": hours, "m": minutes}


def _until_midnight(now: dt.datetime) -> tuple[dt.datetime, int]:
    """The start of today (the local calendar day, as SMS providers count it) and the seconds
    left until tomorrow."""
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    wait = math.ceil((day_start + dt.timedelta(days=1) - now).total_seconds())
    return day_start, wait


def _throttle_check(*, phone: str, client: PhoneClient, known: bool, now: dt.datetime) -> None:
    # The minute between codes is per session: a stranger asking for the number must not make
    # its owner wait.
    latest = (
        PhoneCode.objects.filter(phone=phone, session_hash=client.session_hash)
        .order_by("-created_at")
        .first()
    )
    if latest is not None and now - latest.created_at < PHONE_CODE_RESEND_AFTER:
        wait = math.ceil((latest.created_at + PHONE_CODE_RESEND_AFTER - now).total_seconds())
        raise Throttled(
            "throttled",
            _("获取验证码太频繁，请%(wait)s后再试") % {"wait": _wait_text(wait)},
            retry_after=wait,
        )
    # The day's limits keep the number from being flooded with SMS. A known device of the
    # number (it logged in with it before) has its own allowance that strangers cannot spend;
    # strangers share the number's allowance, and one address may take only a few of those,
    # so a script must come from many addresses to lock a new number out for the day.
    day_start, wait = _until_midnight(now)
    today = PhoneCode.objects.filter(phone=phone, created_at__gte=day_start, known_device=known)
    limit = PHONE_CODE_KNOWN_DEVICE_DAILY_LIMIT if known else PHONE_CODE_DAILY_LIMIT
    if today.count() >= limit:
        raise Throttled(
            "daily_limit",
            _("该手机号今天已获取%(limit)d次验证码，达到上限，请%(wait)s后（明天0点起）再试")
            % {"limit": limit, "wait": _wait_text(wait)},
            retry_after=wait,
        )
    per_address = settings.SMS_CODES_PER_NUMBER_ADDRESS_DAY
    if not known and today.filter(address_hash=client.address_hash).count() >= per_address:
        raise Throttled(
            "daily_limit",
            _(
                "该手机号今天在当前网络已获取%(limit)d次验证码，请%(wait)s后（明天0点起）再试，"
                "或在曾经登录过的手机上获取"
            )
            % {"limit": per_address, "wait": _wait_text(wait)},
            retry_after=wait,
        )


def phone_device_known(*, phone: str, client: PhoneClient) -> bool:
    """Has this browser logged in with this number before?"""
    return bool(client.device_hash) and (
        PhoneDevice.objects.filter(phone=phone, device_hash=client.device_hash).exists()
    )


def phone_code_send(
    *, phone: str, client: PhoneClient, now: dt.datetime | None = None
) -> PhoneCode:
    """Send a new 6-digit code to `phone` for `client`'s session; the newest code that
    session asked for replaces its earlier ones.

    Raises Refused for a number that is not a mainland mobile, Throttled
    past one code per 60 s per session; per day, past 10 codes of the number asked by strangers
    (SMS_CODES_PER_NUMBER_ADDRESS_DAY of them from one address) or 5 asked by the number's known
    devices; or past the session's and the address's hourly budgets of numbers (sms_budgets).
    Refused "sms_failed" if the provider refused (that attempt is not counted).
    """
    phone = _phone_or_error(phone)
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        PhoneCodeLock.objects.get_or_create(phone=phone)
        PhoneCodeLock.objects.select_for_update().get(phone=phone)
        known = phone_device_known(phone=phone, client=client)
        _throttle_check(phone=phone, client=client, known=known, now=now)
        # After the number's own limits, so a number refused by those costs no budget.
        sms_budget_spend(client=client, phone=phone, now=now.timestamp())
        PhoneCode.objects.filter(phone=phone, created_at__lt=now - PHONE_CODE_KEEP_FOR).delete()
        phone_code = PhoneCode.objects.create(
            phone=phone,
            code_hash=phone_code_hash(phone=phone, code=code),
            session_hash=client.session_hash,
            address_hash=client.address_hash,
            known_device=known,
            created_at=now,
            expires_at=now + PHONE_CODE_VALID_FOR,
        )
    # Sent after the short transaction so a slow provider never holds the database lock.
    minutes = int(PHONE_CODE_VALID_FOR.total_seconds() // 60)
    message = _("您的验证码是 %(code)s，%(minutes)d分钟内有效，请勿告诉他人") % {
        "code": code,
        "minutes": minutes,
    }
    try:
        sms_send(phone=phone, message=message)
    except SmsSendError as exc:
        phone_code.delete()
        raise Refused("sms_failed", _("短信发送失败，请稍后再试"), status=503) from exc
    except Exception:
        phone_code.delete()
        raise
    return phone_code


def user_get_or_create(*, phone: str) -> User:
    """The user with this (normalised) phone number, created as a job seeker if new."""
    try:
        return User.objects.get(phone=phone)
    except User.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return User.objects.create_user(phone)
    except IntegrityError:
        # Two first logins of the same number at once: the other one created the user.
        return User.objects.get(phone=phone)


def phone_code_verify(
    *, phone: str, code: str, client: PhoneClient, now: dt.datetime | None = None
) -> User:
    """Check `code` against the newest code `client`'s session asked for `phone`; return the
    user (created if new). Another session's guesses never reach that code, so they cannot
    spend its tries; a session that asked for a code has only that code's own five tries.

    Raises Refused saying what is wrong: no code, wrong code (with tries left),
    expired, too many tries, already used. Call it outside a transaction: a wrong guess is
    committed here, and an outer rollback would give the guesser their try back.
    """
    phone = _phone_or_error(phone)
    code = unicodedata.normalize("NFKC", code or "").strip()
    now = now or timezone.now()
    if not _CODE_RE.match(code):
        raise Refused("malformed", _("请输入短信中的6位数字验证码"), field="code")
    error: Refused | None = None
    user: User | None = None
    with transaction.atomic():
        phone_code = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, session_hash=client.session_hash)
            .order_by("-created_at", "-id")
            .first()
        )
        if phone_code is None:
            error = Refused("no_code", _("请先获取验证码"), field="code")
        elif phone_code.used_at is not None:
            error = Refused("used", _("该验证码已使用过，请重新获取"), field="code")
        elif phone_code.is_expired(now):
            error = Refused("expired", _("验证码已过期（5分钟内有效），请重新获取"), field="code")
        elif phone_code.attempts >= PHONE_CODE_MAX_ATTEMPTS:
            error = Refused("too_many_attempts", _("验证码输错次数过多，请重新获取"), field="code")
        elif not constant_time_compare(
            phone_code_hash(phone=phone, code=code), phone_code.code_hash
        ):
            phone_code.attempts += 1
            phone_code.save(update_fields=["attempts"])
            left = phone_code.attempts_left
            if left:
                error = Refused(
                    "wrong", _("验证码错误，还可以再试%(left)d次") % {"left": left}, field="code"
                )
            else:
                error = Refused(
                    "too_many_attempts",
                    _("验证码错误次数已达%(max)d次，请重新获取验证码")
                    % {"max": PHONE_CODE_MAX_ATTEMPTS},
                    field="code",
                )
        else:
            phone_code.used_at = now
            phone_code.save(update_fields=["used_at"])
            user = user_get_or_create(phone=phone)
            if client.device_hash:
                PhoneDevice.objects.update_or_create(
                    phone=phone, device_hash=client.device_hash, defaults={"last_login_at": now}
                )
    if error is not None:
        raise error
    assert user is not None
    if not user.is_active:
        raise Refused("inactive", _("该账号已被停用，如有疑问请联系平台客服"), field="code")
    return user


def user_login_by_phone(
    *,
    request: HttpRequest,
    phone: str,
    code: str,
    client: PhoneClient,
    name: str = "",
    now: dt.datetime | None = None,
) -> User:
    """Verify the code and log the user in on `request` (for the login page and for flows
    such as applying without an account). A non-empty `name` is saved on a user who has
    none yet; logging in never renames an account (whoever knows a code for the number must
    not change what organisations see)."""
    user = phone_code_verify(phone=phone, code=code, client=client, now=now)
    name = (name or "").strip()[:50]
    if name and not user.name:
        user.name = name
        user.save(update_fields=["name"])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return user
