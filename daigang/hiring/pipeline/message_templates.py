"""An organisation's message templates (the text a rejected seeker is sent).

A template fills named placeholders only: {name}, {job}, {organisation}, written exactly so.
It is never handed to str.format: a format spec such as {name:x>400000000} would make the
server build a 400 MB string, and {name.__class__} or {0} reach into Python objects. Checking
and filling use the same tokens below, so what was accepted when saved is what gets filled,
and a template stored before these rules only ever has its exact placeholders replaced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PLACEHOLDERS = ("name", "job", "organisation")

# "{{" and "}}" are literal braces (as in str.format); "{...}" a placeholder; any other brace
# is a stray one.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_KNOWN_WITH_EXTRAS = re.compile(r"(" + "|".join(PLACEHOLDERS) + r")\s*[.\[!:]")


def message_template_check(template: str) -> None:
    """Raise ValidationError (a Chinese sentence) unless `template` uses only the exact
    placeholders {name}, {job} and {organisation} and pairs its braces."""
    for token in _TOKEN.finditer(template):
        text = token.group(0)
        if text in ("{{", "}}"):
            continue
        inner = token.group(1)
        if inner is None:
            raise ValidationError(
                _("消息里的大括号不成对；要写 {name}、{job} 或 {organisation}"),
                code="message_braces",
            )
        if inner in PLACEHOLDERS:
            continue
        extras = _KNOWN_WITH_EXTRAS.match(inner.strip())
        if extras is not None:
            raise ValidationError(
                _("消息里的 {%(key)s} 只能原样写成 {%(name)s}，大括号里不能加别的符号")
                % {"key": inner, "name": extras.group(1)},
                code="message_placeholder_format",
            )
        raise ValidationError(
            _("消息里的 {%(key)s} 不认识，只能用 {name}、{job}、{organisation}") % {"key": inner},
            code="message_placeholder",
        )


def message_template_fill(*, template: str, values: Mapping[str, str]) -> str:
    """`template` with each exact placeholder replaced by its value and "{{"/"}}" by a brace.

    Anything else (a placeholder it does not know, a stray brace, a format spec in a template
    stored before it was checked) is left as written, so the result is never longer than the
    template plus one value per placeholder.
    """

    def fill(token: re.Match[str]) -> str:
        text = token.group(0)
        if text == "{{":
            return "{"
        if text == "}}":
            return "}"
        inner = token.group(1)
        if inner in PLACEHOLDERS and inner in values:
            return str(values[inner])
        return text

    return _TOKEN.sub(fill, template)
