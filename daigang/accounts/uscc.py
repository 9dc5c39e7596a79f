"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (digits and capital letters without I, O, Z, S,
V). The 18th is a check character over the first 17: weights are 3**i mod 31, and the check
value is 31 - (weighted sum mod 31), with 31 written as 0. Because 31 is prime and every
weight is non-zero, any single changed character changes the check value, so one typo is
always caught.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(USCC_LENGTH - 1))
_VALUE = {char: value for value, char in enumerate(USCC_ALPHABET)}


def uscc_normalize(raw: str) -> str:
    """Full-width to half-width (Chinese input methods), no spaces, upper case."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters (which must be in the alphabet)."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> ValidationError | None:
    """What is wrong with an already-normalised code, as a ValidationError; None if valid."""
    if len(code) != USCC_LENGTH:
        return ValidationError(
            _("统一社会信用代码应为18位，当前为%(length)d位") % {"length": len(code)},
            code="uscc_length",
        )
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            return ValidationError(
                _(
                    "第%(position)d位字符“%(char)s”无效：只能是数字或大写字母，"
                    "且不能是 I、O、Z、S、V"
                )
                % {"position": position, "char": char},
                code="uscc_char",
            )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return ValidationError(
            _(
                "校验位错误：按前17位计算，第18位应为“%(expected)s”，当前为“%(actual)s”。"
                "请核对整个代码是否抄错"
            )
            % {"expected": expected, "actual": code[17]},
            code="uscc_check",
        )
    return None


def uscc_is_valid(raw: str) -> bool:
    return uscc_problem(uscc_normalize(raw)) is None


def validate_uscc(value: str) -> None:
    """Django validator: raises ValidationError naming the problem."""
    problem = uscc_problem(uscc_normalize(value))
    if problem is not None:
        raise problem
