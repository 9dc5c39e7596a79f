"""Mainland mobile numbers: validation and masking."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def phone_normalize(raw: str) -> str:
    """Strip spaces, dashes and a +86/0086 prefix; raise ValidationError if not a mobile."""
    phone = re.sub(r"[\s\-]", "", raw or "")
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
    if not PHONE_RE.match(phone):
        raise ValidationError(
            _("请输入11位中国大陆手机号（1开头，第二位为3-9）"), code="invalid_phone"
        )
    return phone


def phone_mask(phone: str) -> str:
    """138****1234 — what everyone but the applied-to organisation and the matchmaker sees."""
    if len(phone) != 11:
        return "****"
    return f"{phone[:3]}****{phone[7:]}"
