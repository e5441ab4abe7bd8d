"""Credit codes and ID numbers are checked character by character, and masked in lists."""

import pytest
from django.core.exceptions import ValidationError

from cases.validators import (
    credit_code_check_char,
    id_number_check_char,
    mask,
    validate_credit_code,
    validate_id_number,
)

# published examples with known-good check characters (the ID numbers are GB 11643's own)
GOOD_CREDIT_CODES = ["91110000600037341L"]
GOOD_IDS = ["11010519491231002X"]


@pytest.mark.parametrize("code", GOOD_CREDIT_CODES)
def test_real_credit_codes_pass(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())
    validate_credit_code(f" {code[:9]} {code[9:]} ")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91110000600037341", "length"),
        ("91110000600037341LX", "length"),
        ("9111000060003734IL", "alphabet"),  # I is not in the alphabet
        ("91110000600037341M", "checksum"),
        ("91110000600037342L", "checksum"),  # one digit mistyped
    ],
)
def test_malformed_credit_codes_are_refused_with_the_reason(code, error):
    with pytest.raises(ValidationError) as raised:
        validate_credit_code(code)
    assert raised.value.code == error


def test_the_credit_check_character_is_computed_per_gb_32100():
    assert credit_code_check_char("91110000600037341") == "L"


@pytest.mark.parametrize("number", GOOD_IDS)
def test_real_id_numbers_pass(number):
    validate_id_number(number)
    validate_id_number(number.lower())


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("11010519491231002", "format"),
        ("1101051949123100XX", "format"),
        ("110105194913310024", "birthdate"),  # month 13
        ("110105219912310024", "birthdate"),  # born in 2199
        ("110105194912310021", "checksum"),
    ],
)
def test_malformed_id_numbers_are_refused_with_the_reason(number, error):
    with pytest.raises(ValidationError) as raised:
        validate_id_number(number)
    assert raised.value.code == error


def test_the_id_check_character_is_iso_7064():
    assert id_number_check_char("11010519491231002") == "X"
    assert id_number_check_char("44052418800101001") == "4"


def test_masking_keeps_only_the_ends():
    assert mask("220102199003071234") == "220102********1234"
    assert mask("91220101123456789X", keep_start=6, keep_end=2) == "912201**********9X"
    assert mask("123") == "***"
