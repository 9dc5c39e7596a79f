"""Wages: parsed from yuan text into integer fen, displayed as "25-28 元/小时".

Never floats. Input is parsed with Decimal so "5500.50" is exactly 550050 fen, and a value with
more than two decimals is refused instead of being rounded behind the employer's back.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from daigang.jobs.models import WageUnit

# A ceiling that catches typos (an extra zero or two) and keeps the value far from the
# PositiveIntegerField limit; no blue-collar wage in any unit comes near 1,000,000 yuan.
WAGE_MAX_YUAN = Decimal(1000000)
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# "Pay to be agreed" in its usual spellings: the 2026 notice wants a number range on every job.
_NEGOTIABLE_RE = re.compile(r"面议|面谈|详谈|商议|议定|协商|待定|另议|negotiable", re.IGNORECASE)

# schema.org's QuantitativeValue.unitText is free text; HOUR/DAY/MONTH are what search engines
# recognise. Piece rates have no standard code, so they say what they are.
SCHEMA_UNIT_TEXT: dict[str, str] = {
    WageUnit.HOUR: "HOUR",
    WageUnit.DAY: "DAY",
    WageUnit.MONTH: "MONTH",
    WageUnit.PIECE: "PIECE",
}


def wage_parse_yuan(raw: str) -> int:
    """Parse "25", "5500.50", "0.35" or "5,500" (yuan) into integer fen.

    Raises ValidationError with a Chinese message for anything else.
    """
    text = (raw or "").strip().replace(",", "").replace("，", "").replace("元", "").strip()
    if not text:
        raise ValidationError(_("请填写工价"), code="wage_required")
    if _NEGOTIABLE_RE.search(text):
        raise ValidationError(
            _("工价不能写“面议”：请填写具体数字范围（单位：元），例如 25 到 28"),
            code="wage_negotiable",
        )
    # Plain decimal notation only: no "1e3", "NaN" or "Infinity", which Decimal would accept.
    if not _NUMBER_RE.fullmatch(text):
        raise ValidationError(
            _("工价请填写数字（单位：元），例如 25 或 5500.50"), code="wage_not_a_number"
        )
    value = Decimal(text)
    if value <= 0:
        raise ValidationError(_("工价必须大于 0"), code="wage_not_positive")
    if value > WAGE_MAX_YUAN:
        raise ValidationError(_("工价过高，请检查是否多输入了数字"), code="wage_too_high")
    fen = value * 100
    # Trailing zeros ("25.500") are still exact; only digits that fen cannot hold are refused.
    if fen != fen.to_integral_value():
        raise ValidationError(_("工价最多保留两位小数（精确到分）"), code="wage_too_precise")
    return int(fen)


def wage_range_parse(*, min_raw: str, max_raw: str) -> tuple[int, int]:
    """Both ends of a wage range in fen. An empty maximum means a single value.

    Errors are keyed by field ("wage_min" / "wage_max") so a form can show each where it belongs.
    """
    errors: dict[str, list[ValidationError]] = {}
    min_fen = max_fen = None
    try:
        min_fen = wage_parse_yuan(min_raw)
    except ValidationError as exc:
        errors["wage_min"] = [exc]
    if (max_raw or "").strip():
        try:
            max_fen = wage_parse_yuan(max_raw)
        except ValidationError as exc:
            errors["wage_max"] = [exc]
    else:
        max_fen = min_fen
    if errors:
        raise ValidationError(errors)
    assert min_fen is not None and max_fen is not None
    wage_range_check(min_fen=min_fen, max_fen=max_fen)
    return min_fen, max_fen


def wage_range_check(*, min_fen: int, max_fen: int) -> None:
    """The invariant services enforce whatever the caller: integers, > 0, min ≤ max."""
    if not isinstance(min_fen, int) or not isinstance(max_fen, int):
        raise ValidationError(_("工价必须以整数“分”保存"), code="wage_not_fen")
    if min_fen <= 0 or max_fen <= 0:
        raise ValidationError(_("工价必须大于 0"), code="wage_not_positive")
    if min_fen > max_fen:
        raise ValidationError(
            {"wage_max": [ValidationError(_("最高工价不能低于最低工价"), code="wage_min_gt_max")]}
        )


def fen_to_yuan(fen: int) -> Decimal:
    """Exact yuan as a Decimal: 2500 → 25, 35 → 0.35, 550050 → 5500.5."""
    return (Decimal(fen) / 100).normalize() if fen % 100 else Decimal(fen // 100)


def yuan_text(fen: int) -> str:
    """Yuan as people write it: 2500 → "25", 35 → "0.35", 550050 → "5500.50"."""
    yuan, cents = divmod(fen, 100)
    return f"{yuan}" if cents == 0 else f"{yuan}.{cents:02d}"


def wage_display(*, min_fen: int, max_fen: int, unit: str) -> str:
    """ "25-28 元/小时", "5500-7000 元/月", or a single value when min == max."""
    label = WageUnit(unit).label
    if min_fen == max_fen:
        return f"{yuan_text(min_fen)} {label}"
    return f"{yuan_text(min_fen)}-{yuan_text(max_fen)} {label}"
