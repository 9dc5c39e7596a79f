"""Every line of corpus.tsv: the rule the text breaks, or "ok" when it breaks none."""

from __future__ import annotations

from pathlib import Path

import pytest

from daigang.rules.contact import contact_found
from daigang.rules.engine import text_matches

CORPUS = Path(__file__).with_name("corpus.tsv")


def _lines() -> list[tuple[str, str]]:
    lines = []
    for raw in CORPUS.read_text(encoding="utf-8").splitlines():
        if not raw or raw.startswith("#"):
            continue
        text, expected = raw.rsplit("\t", 1)
        lines.append((text, expected))
    return lines


def test_the_corpus_has_at_least_two_hundred_examples_of_both_kinds():
    lines = _lines()
    assert len(lines) >= 200
    assert sum(expected == "ok" for _, expected in lines) >= 60
    assert sum(expected != "ok" for _, expected in lines) >= 140


@pytest.mark.parametrize(("text", "expected"), _lines())
def test_the_text_breaks_the_rule_the_corpus_gives_and_no_other(text, expected):
    rules = {match.rule.value for match in text_matches(text)}

    assert rules == (set() if expected == "ok" else {expected})


CONTACT_CORPUS = Path(__file__).with_name("contact_corpus.tsv")


def _contact_lines() -> list[tuple[str, str]]:
    lines = []
    for raw in CONTACT_CORPUS.read_text(encoding="utf-8").splitlines():
        if not raw or raw.startswith("#"):
            continue
        text, expected = raw.rsplit("\t", 1)
        lines.append((text, expected))
    return lines


def test_the_contact_corpus_has_at_least_sixty_examples_with_both_kinds():
    lines = _contact_lines()
    assert len(lines) >= 60
    assert sum(expected == "ok" for _, expected in lines) >= 25
    assert sum(expected == "contact" for _, expected in lines) >= 25


@pytest.mark.parametrize(("text", "expected"), _contact_lines())
def test_a_chat_line_is_contact_details_as_the_contact_corpus_says(text, expected):
    found = contact_found(text)

    assert (found is not None) == (expected == "contact"), found
