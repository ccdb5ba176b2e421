"""The portal's and the public pages' mobile fields share one field: one message for any wrong value."""

import pytest

from linke.forms import MobileNumberField, SignupForm
from providers.forms import ApplicationContactForm, ImpersonationReportForm, ProviderProfileForm

MOBILE_ERROR = "Enter a valid mainland China mobile number, e.g. 138 1234 5678."

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (SignupForm, "mobile"),
        (ApplicationContactForm, "contact_mobile"),
        (ImpersonationReportForm, "reporter_phone"),
        (ProviderProfileForm, "contact_mobile"),
    ],
)
def test_every_mobile_field_is_the_shared_one(form_class, field):
    assert type(form_class.base_fields[field]) is MobileNumberField


@pytest.mark.parametrize("value", ["abc", "12345", "0101234567", "010 1234 5678", "2345678901", "+12125552368"])
def test_a_wrong_number_gets_one_message_with_a_mobile_example(value):
    form = ImpersonationReportForm(data={"reporter_phone": value})
    form.is_valid()
    assert form.errors["reporter_phone"] == [MOBILE_ERROR]


@pytest.mark.parametrize("value", ["13912345678", "139 1234 5678", "+86 139 1234 5678", "１３９１２３４５６７８"])
def test_a_mobile_number_is_accepted_as_people_type_it(value):
    assert str(MobileNumberField().clean(value)) == "+8613912345678"


def test_an_optional_mobile_may_be_left_empty():
    assert MobileNumberField(required=False).clean("") == ""


def test_the_settings_form_gives_the_one_message_too():
    form = ProviderProfileForm(data={"contact_mobile": "010 1234 5678", "access_mode": "portal"})
    form.is_valid()
    assert form.errors["contact_mobile"] == [MOBILE_ERROR]
