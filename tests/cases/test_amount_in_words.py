"""大写金额: every expectation below was written by hand from the rules for bills and 公文
(《正确填写票据和结算凭证的基本规定》), not from the function."""

from decimal import Decimal

import pytest

from cases.papers import amount_in_figures, amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角"),
        ("0.58", "伍角捌分"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("100", "壹佰元整"),
        ("105", "壹佰零伍元整"),
        ("1005", "壹仟零伍元整"),
        ("1050", "壹仟零伍拾元整"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        ("325.40", "叁佰贰拾伍元肆角"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("10000", "壹万元整"),
        ("100000", "壹拾万元整"),
        ("107000.53", "壹拾万零柒仟元伍角叁分"),
        ("3862700", "叁佰捌拾陆万贰仟柒佰元整"),
        ("286400.00", "贰拾捌万陆仟肆佰元整"),
        ("100000001", "壹亿零壹元整"),
        ("100050000", "壹亿零伍万元整"),
        ("120003400.07", "壹亿贰仟万零叁仟肆佰元零柒分"),
        ("99999999999.99", "玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_amounts_are_rounded_to_the_fen():
    assert amount_in_words(Decimal("12.345")) == "壹拾贰元叁角伍分"


@pytest.mark.parametrize("amount", ["-0.01", "1000000000000"])
def test_out_of_range_amounts_are_refused(amount):
    with pytest.raises(ValueError):
        amount_in_words(Decimal(amount))


@pytest.mark.parametrize(
    ("amount", "figures"),
    [("1234567.89", "1,234,567.89"), ("0", "0.00"), ("999", "999.00"), ("1000", "1,000.00")],
)
def test_amount_in_figures_groups_thousands(amount, figures):
    assert amount_in_figures(Decimal(amount)) == figures
