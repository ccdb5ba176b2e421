from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from .users import user_complete_signup
from .validators import normalize_credit_code, validate_credit_code, validate_mainland_mobile, validate_visible_name


class CreditCodeFormField(forms.CharField):
    """统一社会信用代码 as typed (full-width, spaces, hyphens, lower case all fine), cleaned to its
    canonical form and checked, with a message that says what is wrong."""

    default_validators = [validate_credit_code]

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalize_credit_code(super().to_python(value))


class MobileNumberField(PhoneNumberField):
    """A mainland China mobile number, with one message for every wrong value. The library's field alone
    adds its own "valid phone number" message, with a landline as the example, to ours."""

    default_validators = []  # validate() makes the one check
    default_error_messages = {"invalid": _("Enter a valid mainland China mobile number, e.g. 138 1234 5678.")}

    def __init__(self, **kwargs):
        kwargs["region"] = "CN"  # a model field passes its own (none)
        super().__init__(**kwargs)
        self.error_messages["invalid"] = self.default_error_messages["invalid"]  # not the model field's

    def validate(self, value):
        super().validate(value)
        try:
            validate_mainland_mobile(value)
        except ValidationError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth adds email and passwords)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        validators=[validate_visible_name],
        help_text=_("How others see you: your team and the merchants you visit, or the providers you talk to."),
    )
    mobile = MobileNumberField(
        label=_("Mobile"), required=False, help_text=_("Mainland China mobile number, e.g. 138 1234 5678.")
    )

    def signup(self, request, user):
        user_complete_signup(
            user=user,
            display_name=self.cleaned_data["display_name"],
            mobile=self.cleaned_data.get("mobile"),
            language=get_language(),
        )
