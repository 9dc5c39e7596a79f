"""Content rules for job posts: a job must never ask seekers for money.

Approach
--------
1. The text is normalised (NFKC, lower case, whitespace removed) so "押 金" or full-width
   variants cannot slip through.
2. One Aho-Corasick automaton (pyahocorasick) finds every fee term in a single pass, however
   many terms there are.
3. Each hit is then judged within its clause (the text between punctuation marks):
   - excused when a negation sits right before it, optionally followed by a few verbs of
     paying/asking — "不收押金", "无押金", "免体检费", "无需缴纳任何保证金", "零押金";
   - excused when the clause right around it says the employer pays or waives it —
     "体检费公司承担", "体检费由公司报销", "公司报销体检费", "押金一律不收";
   - never excused when the clause goes on to make it a condition — "不交押金不能入职".
   Phrases that never contain a fee term ("包体检", "免费培训") need no special case.
   Anything else — "需交押金200元", "体检费自理" — is a fee the post asks for.
The check is deliberately strict: a false refusal costs the employer a rewording, a missed fee
costs a seeker money.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import ahocorasick

# Money a job post must never ask a seeker for. Longer variants are listed where the short one
# would not be found ("工衣费" does not contain "服装费").
FEE_TERMS: tuple[str, ...] = (
    "押金",
    "押证",
    "扣押证件",
    "保证金",
    "风险金",
    "培训费",
    "体检费",
    "自费体检",
    "服装费",
    "工服费",
    "工衣费",
    "工装费",
    "中介费",
    "介绍费",
    "报名费",
    "资料费",
    "手续费",
    "建档费",
    "办卡费",
    "管理费",
    "入职费",
    "费用自理",
)

_CLAUSE_BREAK = re.compile(r"[，。；！？、,.;!?:：\n（）()【】\[\]“”\"'《》<>/|·~～]")
# A negation right before the term, with only "paying" verbs and quantifiers in between.
_NEGATED_BEFORE = re.compile(
    r"(?:不|无|免|没有|没|拒绝|绝不|零|(?<!\d)0)"
    r"(?:需要|需|用|必|收取|收|缴纳|缴|交纳|交|付|要|任何|一切|额外|其他|其它|的|取)*$"
)
# "押金不收", "体检费全免": the same negation after the term.
_NEGATED_AFTER = re.compile(r"^(?:一律|全部|均|概|都)?(?:不收|免收|全免|免除|免|不需要?|无需|不用)")
# The employer pays it: "公司报销体检费", "包体检费".
_PAID_BY_EMPLOYER_BEFORE = re.compile(
    r"(?:公司|企业|单位|厂里|厂方|我司|用人单位)?(?:承担|报销|支付|包)(?:全部|所有|的)*$"
)
# The employer pays it: "体检费公司承担", "体检费由公司报销".
_PAID_BY_EMPLOYER_AFTER = re.compile(
    r"^(?:均|全部|全)?(?:由)?(?:公司|企业|单位|厂里|厂方|我司|用人单位)?"
    r"(?:承担|报销|全报|全包|负责|出|支付|买单|免费|全免|包)"
)
# "...不能入职": the negation is a threat, not a promise.
_CONDITION_AFTER = re.compile(r"不能|不予|不得|不可|无法|才能|才可|方可|否则")


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for term in FEE_TERMS:
        automaton.add_word(term, term)
    automaton.make_automaton()
    return automaton


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def _clause_bounds(text: str, start: int, end: int) -> tuple[str, str]:
    """The text of the hit's clause before and after the hit."""
    before = _CLAUSE_BREAK.split(text[:start])[-1]
    after = _CLAUSE_BREAK.split(text[end:])[0]
    return before, after


def _is_excused(before: str, after: str) -> bool:
    if _CONDITION_AFTER.search(after):
        return False
    return bool(
        _NEGATED_BEFORE.search(before)
        or _PAID_BY_EMPLOYER_BEFORE.search(before)
        or _NEGATED_AFTER.match(after)
        or _PAID_BY_EMPLOYER_AFTER.match(after)
    )


def job_text_fee_terms(text: str) -> list[str]:
    """Fee terms the text asks seekers to pay, in order of first appearance, without repeats."""
    normalised = _normalise(text)
    found: list[str] = []
    hits = sorted(
        ((end - len(term) + 1, end + 1, term) for end, term in _automaton().iter(normalised)),
        key=lambda hit: (hit[0], -(hit[1] - hit[0])),
    )
    covered_until = -1
    for start, end, term in hits:
        # A shorter term inside a longer one already judged ("体检费" in "自费体检费") is the
        # same demand, judged once.
        if end <= covered_until:
            continue
        covered_until = end
        before, after = _clause_bounds(normalised, start, end)
        if not _is_excused(before, after) and term not in found:
            found.append(term)
    return found


def job_fee_terms(*, title: str, description: str, benefits: list[str]) -> list[str]:
    """Fee terms in everything a seeker reads about a job: title, description, benefit tags."""
    # Joined with a clause break so a term cannot be formed across two fields.
    return job_text_fee_terms("。".join([title, description, *benefits]))
