import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_mainland_mobile(value):
    """A mainland China mobile number (1[3-9] + 9 digits, as `phonenumbers` knows the ranges)."""
    if not value:
        return
    number = value if isinstance(value, phonenumbers.PhoneNumber) else phonenumbers.parse(str(value), "CN")
    if number.country_code != 86 or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise ValidationError(_("Enter a mainland China mobile number, e.g. 138 1234 5678."), code="not_mobile")
