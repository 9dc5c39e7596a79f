"""What of a chat message is shown: invisible, reversing and towering text taken out.

`chat_text_scrub` removes
- control characters (a newline is kept, a tab becomes a space, \\r of \\r\\n goes);
- bidirectional embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069,
  U+200E/U+200F, U+061C), which can make a message read backwards or spill into the next;
- zero-width and other invisible characters (U+200B, U+200C, U+2060, U+FEFF, …). A zero-width
  joiner (U+200D) is kept between two emoji, where it makes one picture of them (👨‍👩‍👧);
- combining marks past COMBINING_MAX on one character (Zalgo text towers over its
  neighbours; Vietnamese needs two);
- blank lines past one in a row.

Chat is a hot path (dozens of messages a second in a busy room, bench/chat_fanout): a message
with none of these characters costs one search with a compiled expression; the others run only
on what that search finds.
"""

from __future__ import annotations

import re
import unicodedata

COMBINING_MAX = 2

_ZWJ = "\u200d"
_MARK_CATEGORIES = ("Mn", "Me")


def _ranges(codepoints: list[int]) -> str:
    """A regular-expression character class body for sorted `codepoints`."""
    parts = []
    start = previous = codepoints[0]
    for c in [*codepoints[1:], -1]:
        if c == previous + 1:
            previous = c
            continue
        last = "-" + re.escape(chr(previous)) if previous > start else ""
        parts.append(re.escape(chr(start)) + last)
        start = previous = c
    return "".join(parts)


_CONTROLS = [c for c in range(0x20) if c != 0x0A] + list(range(0x7F, 0xA0))
_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_INVISIBLE = [0x180E, 0x200B, 0x200C, 0x2060, *range(0x2061, 0x2065), *range(0x206A, 0x2070)]
_INVISIBLE += [0xFEFF, *range(0xFFF9, 0xFFFC)]
_TRANSLATE: dict[int, str | None] = dict.fromkeys(_CONTROLS + _BIDI + _INVISIBLE)
_TRANSLATE.update({0x09: " ", 0x2028: "\n", 0x2029: "\n"})
_TRANSLATED = re.compile(f"[{_ranges(sorted(_TRANSLATE))}]")

# Marks in the Basic Multilingual Plane, listed once at import. Outside it, a class of many
# ranges is slow to match, so every astral character is a candidate and the few runs of three
# or more candidates are checked character by character.
_BMP_MARKS = _ranges(
    [c for c in range(0x10000) if unicodedata.category(chr(c)) in _MARK_CATEGORIES]
)
_ASTRAL = "\U00010000-\U0010ffff"
_CANDIDATE_RUN = re.compile(f"[{_BMP_MARKS}{_ASTRAL}]{{{COMBINING_MAX + 1},}}")

# Emoji a ZWJ may join (👨‍👩‍👧, 🏳️‍🌈, ❤️‍🔥, 🐈‍⬛, 👩🏽‍💻).
_EMOJI = "\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
_ZWJ_STRAY = re.compile(f"(?<![{_EMOJI}\ufe0f]){_ZWJ}|{_ZWJ}(?![{_EMOJI}])")
_BLANK_LINES = re.compile(r"(?: *\n){3,}")

# Anything any step above might change; a message without it is only trimmed.
_SUSPECT = re.compile(f"[{_ranges(sorted(_TRANSLATE))}{_ZWJ}\n{_BMP_MARKS}{_ASTRAL}]")


def _marks_capped(run: re.Match) -> str:
    kept = []
    piled = 0
    for char in run.group():
        if unicodedata.category(char) in _MARK_CATEGORIES:
            piled += 1
            if piled > COMBINING_MAX:
                continue
        else:
            piled = 0
        kept.append(char)
    return "".join(kept)


def chat_text_scrub(text: str) -> str:
    """`text` without what the module docstring lists, trimmed."""
    if _SUSPECT.search(text) is None:
        return text.strip()
    if _TRANSLATED.search(text) is not None:
        text = text.translate(_TRANSLATE)
    if _ZWJ in text:
        text = _ZWJ_STRAY.sub("", text)
    text = _CANDIDATE_RUN.sub(_marks_capped, text)
    if "\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()
