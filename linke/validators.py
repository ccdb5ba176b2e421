import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import join_names


def validate_mainland_mobile(value):
    """A mainland China mobile number (1[3-9] + 9 digits, as `phonenumbers` knows the ranges)."""
    if not value:
        return
    message = _("Enter a mainland China mobile number (landlines are not accepted), e.g. 138 1234 5678.")
    try:
        number = value if isinstance(value, phonenumbers.PhoneNumber) else phonenumbers.parse(str(value), "CN")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(message, code="not_mobile") from error
    if number.country_code != 86 or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise ValidationError(message, code="not_mobile")


# Invisible and direction-changing characters: controls (Cc), format characters (Cf: U+202E RIGHT-TO-LEFT
# OVERRIDE makes "txt.exe" read "exe.txt", zero-width spaces hide a difference) and surrogates. Private-use
# and not-yet-assigned code points stay allowed: rare characters of Chinese names live there (private-use
# areas of GB 18030 systems, CJK extensions newer than this Python's Unicode database).
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs"}


def validate_visible_name(value: str) -> None:
    """A name others read (a company, a person, a package) shows exactly what it says."""
    hidden = sorted({char for char in value or "" if unicodedata.category(char) in _HIDDEN_CATEGORIES})
    if hidden:
        raise ValidationError(
            _("A name cannot contain invisible or text-direction characters (%(characters)s)."),
            code="hidden_characters",
            params={"characters": ", ".join(f"U+{ord(char):04X}" for char in hidden)},
        )


# GB 32100-2015 统一社会信用代码: 18 characters; the 18th is a check character over the first 17.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize_typed(raw: str) -> str:
    """A code as a person typed it → its canonical form: NFKC folds what a Chinese input method makes
    (full-width `９１３５` and `－`, the ideographic space) into ASCII, then upper case, without
    whitespace and dashes. For codes made of letters and digits only (credit codes, 身份验真码)."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return "".join(char for char in text if not char.isspace() and unicodedata.category(char) != "Pd")


def normalize_credit_code(value: str) -> str:
    return normalize_typed(value)


def credit_code_check_character(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Validate a unified social credit code (lower case accepted: callers normalise first)."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="credit_code_length",
            params={"n": len(code)},
        )
    bad = sorted({char for char in code if char not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s."),
            code="credit_code_characters",
            params={"chars": join_names(bad)},
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character is wrong: the last character should be %(expected)s, not %(actual)s. "
                "Please check the code on the business licence."
            ),
            code="credit_code_check",
            params={"expected": expected, "actual": code[17]},
        )
