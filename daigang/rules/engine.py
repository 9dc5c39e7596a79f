"""One term automaton for every rule, and the judgement of each hit within its clause.

1. The text is normalised (daigang.rules.normalise).
2. One Aho-Corasick automaton (pyahocorasick, built once per process) finds every term of every
   rule in one pass; a second, small one finds the terms written by sound (pinyin "yajin",
   homophone "压金") in the text's pinyin, built with pypinyin's character readings.
3. Each hit is judged within its clause (the text between punctuation marks):
   - a money term (deposit, fee, loan, …) is excused when a negation sits right before it
     ("不收押金", "无需缴纳任何保证金", "零押金") or right after it ("押金一律不收"), or when the
     clause says the employer pays ("体检费公司承担", "公司报销体检费");
   - never when the clause goes on to make it a condition or promises it back: "不交押金不能
     入职", "押金不用退", "押金包退", "押金可退" all still ask for a deposit;
   - any other term is excused only by a plain negation right before it: "不限男女".
The check is deliberately strict: a false refusal costs the writer a rewording, a missed fee
costs a seeker money.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
from pypinyin.pinyin_dict import pinyin_dict

from daigang.rules.normalise import Normalised, normalise
from daigang.rules.terms import (
    HOMOPHONE_TERMS,
    MONEY_RULES,
    PINYIN_TERMS,
    SAFE_TERMS,
    TERMS,
    Rule,
)

ALL_RULES: frozenset[Rule] = frozenset(TERMS)


@dataclass(frozen=True)
class Match:
    """A term that breaks `rule`, found at `source[start:end]` of the text checked."""

    rule: Rule
    term: str
    start: int
    end: int
    found: str


_CLAUSE_BREAK = re.compile(r"[，。；！？、,.;!?:：\n（）()【】\[\]“”\"'《》<>/|·~～]")
# The same, but an enumeration ("押金、培训费、体检费") stays in one piece.
_LIST_BREAK = re.compile(r"[，。；！？,.;!?:：\n（）()【】\[\]“”\"'《》<>/|·~～]")
# A prohibition governing a whole enumeration: "甲方不得以任何名义收取押金、培训费、体检费".
_PROHIBITED_BEFORE = re.compile(r"不得|禁止|严禁|不允许|不准|杜绝|绝不|不收|不会收|无需|免收")
_NEGATION = r"(?:不|无|免|没有|没|拒绝|绝不|零|(?<!\d)0)"
# A negation right before the term, with only "paying" verbs and quantifiers in between.
_NEGATED_BEFORE = re.compile(
    _NEGATION + r"(?:需要|需|用|必|收取|收|缴纳|缴|交纳|交|付|要|任何|一切|额外|其他|其它|的|取)*$"
)
# "押金不收", "体检费全免": the same negation after the term.
_NEGATED_AFTER = re.compile(r"^(?:一律|全部|均|概|都)?(?:不收|免收|全免|免除|免|不需要?|无需|不用)")
_PAID_BY_EMPLOYER_BEFORE = re.compile(
    r"(?:公司|企业|单位|厂里|厂方|我司|用人单位)?(?:承担|报销|支付|包)(?:全部|所有|的)*$"
)
_PAID_BY_EMPLOYER_AFTER = re.compile(
    r"^(?:均|全部|全)?(?:由)?(?:公司|企业|单位|厂里|厂方|我司|用人单位)?"
    r"(?:承担|报销|全报|全包|负责|出|支付|买单|免费|全免|包)"
)
# "...不能入职": the negation is a threat, not a promise; "...不用退", "...包退": the money is
# still taken, only promised back.
_CONDITION_AFTER = re.compile(r"不能|不予|不得|不可|无法|才能|才可|方可|否则|退|返")
# "不限男女", "无保底": a plain negation right before a restriction or a promise.
_PLAIN_NEGATION_BEFORE = re.compile(r"(?:不|无|没有|非)(?:限|要求|需要?|设)?$")


@dataclass(frozen=True)
class _Term:
    rule: Rule | None  # None: a safe word that covers a term inside it
    term: str


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for rule, terms in TERMS.items():
        for term in terms:
            automaton.add_word(term, _Term(rule, term))
    for term in SAFE_TERMS:
        automaton.add_word(term, _Term(None, term))
    automaton.make_automaton()
    return automaton


def _rule_of(term: str) -> Rule:
    return next(rule for rule, terms in TERMS.items() if term in terms)


def _toneless(reading: str) -> str:
    first = reading.split(",")[0]
    bare = "".join(c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c))
    return bare.replace("ü", "v")


def _syllable(char: str) -> str:
    return _toneless(pinyin_dict[ord(char)])


@functools.cache
def _sound() -> tuple[dict[int, str], ahocorasick.Automaton | None]:
    """(translate table CJK character → "syllable ", automaton over that pinyin).

    Only characters whose reading is a syllable of a term are in the table; every other
    character stays as it is and breaks a match. Latin letters stay as they are, so "yajin"
    typed in letters matches the unspaced form.
    """
    syllables = {_syllable(char) for term in PINYIN_TERMS for char in term}
    table = {
        codepoint: _toneless(readings) + " "
        for codepoint, readings in pinyin_dict.items()
        if _toneless(readings) in syllables and chr(codepoint).isalpha() and codepoint > 0x2E80
    }
    automaton = ahocorasick.Automaton()
    for term in PINYIN_TERMS:
        spoken = [_syllable(char) for char in term]
        automaton.add_word("".join(spoken), _Term(_rule_of(term), term))
    for term in HOMOPHONE_TERMS:
        spoken = [_syllable(char) for char in term]
        automaton.add_word(" ".join(spoken) + " ", _Term(_rule_of(term), term))
    automaton.make_automaton()
    return table, automaton


@functools.cache
def _sound_start() -> re.Pattern[str]:
    """What a match by sound must contain: a Latin letter, or a character that sounds like the
    first of a homophone term ("压" for "押金"). Text without one skips the pinyin pass."""
    first = {_syllable(term[0]) for term in HOMOPHONE_TERMS}
    chars = sorted(chr(cp) for cp, reading in pinyin_dict.items() if _toneless(reading) in first)
    return re.compile("[a-z" + re.escape("".join(chars)) + "]")


def _sound_hits(text: str) -> Iterable[tuple[int, int, _Term]]:
    """Hits found by sound, as spans of `text` (the normal form)."""
    if not _sound_start().search(text):
        return []
    table, automaton = _sound()
    spoken = text.translate(table)
    hits = list(automaton.iter(spoken)) if automaton is not None else []
    if not hits:
        return []
    # Where each character of `text` starts in `spoken`: only computed when something matched.
    starts = []
    position = 0
    for char in text:
        starts.append(position)
        position += len(table.get(ord(char), char))
    found = []
    for end, term in hits:
        begin = end - len(_key_of(term, spoken, end)) + 1
        if begin > 0 and "a" <= spoken[begin - 1] <= "z":
            continue  # starts inside a syllable or a word: "jia jin" is not "ya jin"
        # Spans of `spoken` → spans of `text`: the characters whose pinyin the match covers.
        first = next((i for i, s in enumerate(starts) if s + 1 > begin), None)
        last = max((i for i, s in enumerate(starts) if s <= end), default=None)
        if first is None or last is None or last < first:
            continue
        found.append((first, last + 1, term))
    return found


def _key_of(term: _Term, spoken: str, end: int) -> str:
    """The automaton key that ended at `end` (spaced homophone or unspaced pinyin)."""
    spoken_term = [_syllable(char) for char in term.term]
    spaced = " ".join(spoken_term) + " "
    if term.term in HOMOPHONE_TERMS and spoken[: end + 1].endswith(spaced):
        return spaced
    return "".join(spoken_term)


def _excused(rule: Rule | None, text: str, start: int, end: int) -> bool:
    before = _CLAUSE_BREAK.split(text[:start])[-1]
    after = _CLAUSE_BREAK.split(text[end:])[0]
    if rule not in MONEY_RULES:
        return bool(_PLAIN_NEGATION_BEFORE.search(before))
    if _CONDITION_AFTER.search(after) or _CONDITION_AFTER.search(_LIST_BREAK.split(text[end:])[0]):
        return False
    return bool(
        _PROHIBITED_BEFORE.search(_LIST_BREAK.split(text[:start])[-1])
        or _NEGATED_BEFORE.search(before)
        or _PAID_BY_EMPLOYER_BEFORE.search(before)
        or _NEGATED_AFTER.match(after)
        or _PAID_BY_EMPLOYER_AFTER.match(after)
    )


def text_matches(text: str, *, rules: frozenset[Rule] = ALL_RULES) -> list[Match]:
    """Every term of `rules` the text uses and does not excuse, in order of appearance.

    A shorter term inside a longer one ("押金" in "住宿押金") is the same demand, reported once.
    """
    normal = normalise(text)
    hits = [
        (end - len(term.term) + 1, end + 1, term)
        for end, term in _automaton().iter(normal.text)
        if term.rule is None or term.rule in rules
    ]
    hits.extend(hit for hit in _sound_hits(normal.text) if hit[2].rule in rules)
    if all(hit[2].rule is None for hit in hits):
        return []
    return _judged(normal, hits)


def _judged(normal: Normalised, hits: list[tuple[int, int, _Term]]) -> list[Match]:
    hits.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
    matches = []
    covered_until = -1
    for start, end, term in hits:
        if end <= covered_until:
            continue
        covered_until = end
        if term.rule is None:
            continue
        if _excused(term.rule, normal.text, start, end):
            continue
        origin_start, origin_end = normal.origin(start, end)
        matches.append(
            Match(
                rule=term.rule,
                term=term.term,
                start=origin_start,
                end=origin_end,
                found=normal.source[origin_start:origin_end],
            )
        )
    return matches
