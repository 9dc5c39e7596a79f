from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from daigang.accounts.uscc import (
    USCC_ALPHABET,
    uscc_check_char,
    uscc_is_valid,
    uscc_normalize,
    validate_uscc,
)

# Commonly cited real codes, plus two computed here (check character from the standard).
VALID = [
    "91350100M000100Y43",
    "91110000600037341L",
    "91440300708461136T",
    "91350100000000001" + uscc_check_char("91350100000000001"),
]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    validate_uscc(code)
    assert uscc_is_valid(code)


@pytest.mark.parametrize("code", VALID)
def test_any_single_changed_character_fails(code):
    for position in range(18):
        for char in USCC_ALPHABET + "IOZSVa-":
            if char == code[position]:
                continue
            changed = code[:position] + char + code[position + 1 :]
            if uscc_normalize(changed) == code:
                continue  # "a" → "A" is the same code after normalising
            assert not uscc_is_valid(changed), (position, char, changed)


def test_check_character_is_zero_when_the_remainder_is_zero():
    # Find a prefix whose weighted sum is a multiple of 31: its check character is "0", not
    # the out-of-range 31.
    for n in range(1000):
        first17 = f"91350100{n:09d}"
        if uscc_check_char(first17) == "0":
            assert uscc_is_valid(first17 + "0")
            return
    pytest.fail("no prefix with check character 0 found")


def test_wrong_length_says_the_current_length():
    with pytest.raises(ValidationError) as error:
        validate_uscc("91350100M000100Y4")
    assert "18位" in error.value.messages[0]
    assert "当前为17位" in error.value.messages[0]


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "*"])
def test_invalid_character_names_its_position_and_the_character(bad):
    code = "91350100M000100Y43"
    changed = code[:9] + bad + code[10:]
    with pytest.raises(ValidationError) as error:
        validate_uscc(changed)
    message = error.value.messages[0]
    assert "第10位" in message
    assert f"“{bad}”" in message
    assert "I、O、Z、S、V" in message


def test_wrong_check_digit_says_what_it_should_be():
    with pytest.raises(ValidationError) as error:
        validate_uscc("91350100M000100Y44")
    message = error.value.messages[0]
    assert "校验位" in message
    assert "应为“3”" in message
    assert "当前为“4”" in message


def test_lower_case_full_width_and_spaces_are_accepted():
    assert uscc_normalize(" 9135 0100m000100y43 ") == "91350100M000100Y43"
    assert uscc_normalize("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    validate_uscc("91350100m000100y43")
