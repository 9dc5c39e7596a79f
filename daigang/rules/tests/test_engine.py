from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from daigang.rules import engine
from daigang.rules.engine import text_matches
from daigang.rules.refusals import RULE_LABELS, RULE_LAWS, fields_check
from daigang.rules.terms import MONEY_RULES, SAFE_TERMS, TERMS, Rule


def test_a_match_names_the_rule_the_term_and_the_span_of_what_was_typed():
    # given a deposit written in traditional characters behind a zero-width space
    text = "入職需交保\u200b證金200元"

    # when
    (match,) = text_matches(text)

    # then
    assert (match.rule, match.term) == (Rule.DEPOSIT, "保证金")
    assert text[match.start : match.end] == match.found == "保\u200b證金"


def test_a_term_written_in_pinyin_points_at_the_letters():
    (match,) = text_matches("入职交 YaJin 二百")

    assert (match.rule, match.term, match.found) == (Rule.DEPOSIT, "押金", "YaJin")


def test_only_the_rules_asked_for_are_checked():
    assert text_matches("高薪诚聘，限男性", rules=MONEY_RULES) == []
    assert [m.rule for m in text_matches("高薪诚聘，限男性")] == [Rule.HYPE, Rule.GENDER]


def test_the_automaton_is_built_once_per_process():
    text_matches("押金")

    assert engine._automaton() is engine._automaton()
    assert engine._automaton.cache_info().misses == 1


def test_no_term_is_listed_twice_and_every_rule_has_a_label_and_a_law():
    terms = [term for rule_terms in TERMS.values() for term in rule_terms]

    assert len(terms) == len(set(terms))
    assert not set(terms) & set(SAFE_TERMS)
    assert set(RULE_LABELS) == set(RULE_LAWS) == set(Rule)


def test_a_refused_field_is_named_with_the_rule_and_the_law():
    with pytest.raises(ValidationError) as exc:
        fields_check(
            fields={"title": ("岗位名称", "普工"), "address": ("详细地址", "工业园，带押金")},
            rules=MONEY_RULES,
        )

    (message,) = exc.value.message_dict["address"]
    assert "title" not in exc.value.message_dict
    assert message.startswith("详细地址含有向求职者收取押金或保证金的内容（“押金”）")
    assert "《劳动合同法》第九条" in message
