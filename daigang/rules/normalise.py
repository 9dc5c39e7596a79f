"""One normal form for matching, so that spelling tricks do not hide a term.

- NFKC and lower case: full-width letters and digits, compatibility ideographs, "ＹＡＪＩＮ";
- invisible characters (format characters such as U+200B, separators, whitespace) are removed
  everywhere, and so are "joining" marks (-_.·*~/|…) that stand between two CJK characters:
  "押\u200b金", "押 金", "押-金" all read "押金". Clause punctuation (，。；、…) is kept, because
  the rules judge a term within its clause;
- traditional characters become simplified (OpenCC t2s): "保證金" reads "保证金".

Spans found in the normal form are mapped back to the caller's text (`Normalised.origin`), so
a refusal can point at what the writer typed. The maps are only built when something matched:
most texts match nothing, and chat pays for every message.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import opencc

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Marks people put between the characters of a word to break it up.
_JOINERS = r"\-_.·•‧・*~～/\\|+=^`'\"＿—–‐‑‒―…°ºㆍ"


_SUPPLEMENTARY_FORMAT = (
    0x110BD,
    0x110CD,
    *range(0x13430, 0x13440),
    *range(0x1BCA0, 0x1BCA4),
    *range(0x1D173, 0x1D17B),
    0xE0001,
    *range(0xE0020, 0xE0080),
)


@functools.cache
def _invisible_class() -> str:
    """Character-class body: every format (Cf) and separator (Z*) character, and whitespace."""
    # Scanning the Basic Multilingual Plane is cheap; the few such characters beyond it
    # (Egyptian and musical format controls, tag characters) are listed.
    codepoints = [
        cp
        for cp in (*range(0x10000), *_SUPPLEMENTARY_FORMAT)
        if unicodedata.category(chr(cp)) in ("Cf", "Zs", "Zl", "Zp")
    ]
    parts = []
    start = prev = codepoints[0]
    for cp in [*codepoints[1:], -1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(
            re.escape(chr(start))
            if start == prev
            else f"{re.escape(chr(start))}-{re.escape(chr(prev))}"
        )
        start = prev = cp
    return "".join(parts) + r"\s"


@functools.cache
def _strip() -> re.Pattern[str]:
    invisible = _invisible_class()
    return re.compile(rf"(?<=[{_CJK}])[{invisible}{_JOINERS}]+(?=[{_CJK}])|[{invisible}]+")


_FULL_WIDTH_CHAR = re.compile("[\uff01-\uff5e]")


def _half_width(found: re.Match[str]) -> str:
    return chr(ord(found.group()) - 0xFEE0)


@functools.cache
def _strippable() -> re.Pattern[str]:
    return re.compile(f"[{_invisible_class()}{_JOINERS}]")


@functools.cache
def _t2s() -> opencc.OpenCC:
    # The dictionaries ship inside the opencc wheel: nothing is fetched.
    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class Normalised:
    """The normal form of `source` and how to find a span of it in `source`."""

    source: str
    text: str
    # Index maps of each step, None where the step kept every index (the common case).
    _case_map: list[int] | None
    _strip_map: list[int] | None

    def origin(self, start: int, end: int) -> tuple[int, int]:
        """The span of `source` that `text[start:end]` came from."""
        first, last = start, end - 1
        if self._strip_map is not None:
            first, last = self._strip_map[first], self._strip_map[last]
        if self._case_map is not None:
            first, last = self._case_map[first], self._case_map[last]
        return first, last + 1


def _per_char(text: str, convert: object) -> tuple[str, list[int]]:
    pieces = [convert(char) for char in text]  # type: ignore[operator]
    return "".join(pieces), [index for index, piece in enumerate(pieces) for _ in piece]


def _nfkc_lower(char: str) -> str:
    return unicodedata.normalize("NFKC", char).lower()


def normalise(text: str) -> Normalised:
    """The text as the rules read it (see the module docstring)."""
    source = text or ""
    # NFKC is slow on CJK text, and nearly all Chinese text needs it only for its full-width
    # punctuation: that is mapped first (one character to one), and the quick check then
    # skips the full normalisation for what is left.
    folded = _FULL_WIDTH_CHAR.sub(_half_width, source)
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", folded)
    folded = folded.lower()
    case_map = None
    if len(folded) != len(source):
        folded, case_map = _per_char(source, _nfkc_lower)
    strip_map = None
    pieces = []
    kept: list[int] = []
    position = 0
    # Most text has nothing to strip: one plain character-class search says so cheaply.
    found_any = _strippable().search(folded) is not None
    for found in _strip().finditer(folded) if found_any else ():
        pieces.append(folded[position : found.start()])
        kept.extend(range(position, found.start()))
        position = found.end()
    if pieces:
        pieces.append(folded[position:])
        kept.extend(range(position, len(folded)))
        folded = "".join(pieces)
        strip_map = kept
    simplified = _t2s().convert(folded)
    if len(simplified) != len(folded):
        # A phrase conversion changed the length; character by character keeps the indices.
        converter = _t2s()
        simplified = "".join(converter.convert(char) or char for char in folded)
        if len(simplified) != len(folded):
            simplified = folded
    return Normalised(source=source, text=simplified, _case_map=case_map, _strip_map=strip_map)
