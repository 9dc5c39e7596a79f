from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from daigang.jobs.wages import fen_to_yuan, wage_display, wage_parse_yuan, wage_range_parse


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("25", 2500),
        ("5500.50", 550050),
        ("5500.5", 550050),
        ("0.35", 35),
        ("25.500", 2550),
        (" 5,500 ", 550000),
        ("200元", 20000),
        (".5", 50),
    ],
)
def test_yuan_text_is_parsed_into_exact_integer_fen(raw, fen):
    parsed = wage_parse_yuan(raw)
    assert parsed == fen
    assert type(parsed) is int


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("25.555", "最多保留两位小数"),
        ("0.001", "最多保留两位小数"),
        ("0", "必须大于 0"),
        ("0.00", "必须大于 0"),
        ("-25", "必须大于 0"),
        ("二十五", "请填写数字"),
        ("1e3", "请填写数字"),
        ("NaN", "请填写数字"),
        ("Infinity", "请填写数字"),
        ("25-28", "请填写数字"),
        ("", "请填写工价"),
        ("99999999", "工价过高"),
    ],
)
def test_bad_wage_text_is_refused_with_a_chinese_message(raw, message):
    with pytest.raises(ValidationError) as exc:
        wage_parse_yuan(raw)
    assert message in exc.value.messages[0]


def test_a_range_with_minimum_above_maximum_is_refused_on_the_maximum():
    with pytest.raises(ValidationError) as exc:
        wage_range_parse(min_raw="28", max_raw="25")
    assert "最高工价不能低于最低工价" in exc.value.message_dict["wage_max"][0]


def test_errors_in_both_ends_are_reported_per_field():
    with pytest.raises(ValidationError) as exc:
        wage_range_parse(min_raw="abc", max_raw="1.234")
    assert set(exc.value.message_dict) == {"wage_min", "wage_max"}


def test_an_empty_maximum_means_a_single_wage():
    assert wage_range_parse(min_raw="200", max_raw="") == (20000, 20000)


@pytest.mark.parametrize(
    ("min_fen", "max_fen", "unit", "text"),
    [
        (2500, 2800, "hour", "25-28 元/小时"),
        (550000, 700000, "month", "5500-7000 元/月"),
        (20000, 20000, "day", "200 元/天"),
        (35, 35, "piece", "0.35 元/件"),
        (550050, 700000, "month", "5500.50-7000 元/月"),
    ],
)
def test_wages_display_as_people_write_them(min_fen, max_fen, unit, text):
    assert wage_display(min_fen=min_fen, max_fen=max_fen, unit=unit) == text


def test_fen_to_yuan_is_an_exact_decimal_not_a_float():
    assert str(fen_to_yuan(35)) == "0.35"
    assert str(fen_to_yuan(2500)) == "25"
    assert str(fen_to_yuan(550050)) == "5500.5"
