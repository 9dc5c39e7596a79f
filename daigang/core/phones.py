"""Mainland mobile numbers: validation and masking."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# [0-9], not \d: in Python \d also matches Arabic-Indic, Devanagari and other digits, which
# would make "١٣٧…" a new number (and a second user) beside "137…".
PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_SEPARATORS_RE = re.compile(r"[\s\-]")
_ASCII_DIGITS_RE = re.compile(r"^[0-9]*$")


def phone_normalize(raw: str) -> str:
    """The one way a phone number enters: NFKC (a Chinese IME's full-width digits become
    0-9), spaces, dashes and a +86/0086 prefix dropped, then ASCII digits only.

    Raises ValidationError if anything but 0-9 is left or it is not a mainland mobile.
    """
    phone = _SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", raw or ""))
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
    if not _ASCII_DIGITS_RE.match(phone):
        raise ValidationError(
            _("手机号只能填写数字0-9，请检查输入法（如阿拉伯文数字、字母O）"),
            code="invalid_phone",
        )
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
