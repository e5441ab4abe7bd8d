"""Validating and masking the identifiers of people and organisations in cases.

* 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a 31-symbol
  alphabet (no I, O, S, V, Z), the last one a weighted mod-31 check character.
* 公民身份号码 (resident ID number), GB 11643-1999: 17 digits and an ISO 7064 MOD 11-2 check
  character (0-9 or X), with a real birth date in positions 7-14.

Both are sensitive: lists show them masked; only a case page shows them whole.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def normalise_code(value: str) -> str:
    """Upper-case, without spaces or hyphens people type in between."""
    return "".join((value or "").split()).replace("-", "").upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = normalise_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            params={"n": len(code)},
            code="length",
        )
    bad = sorted({ch for ch in code if ch not in CREDIT_ALPHABET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s."),
            params={"chars": "、".join(bad)},
            code="alphabet",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code fails its check character: please check it."),
            code="checksum",
        )


def id_number_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    number = normalise_code(value)
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise ValidationError(
            _("A resident ID number has 17 digits and a final digit or X."), code="format"
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date inside this ID number is not a real date."), code="birthdate"
        ) from None
    if born.year < 1900 or born > date.today():
        raise ValidationError(
            _("The birth date inside this ID number is not plausible."), code="birthdate"
        )
    if id_number_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("This ID number fails its check character: please check it."), code="checksum"
        )


def mask(value: str, *, keep_start: int = 6, keep_end: int = 4) -> str:
    """220102199003071234 -> 220102********1234."""
    value = value or ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
