from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from .validators import validate_mainland_mobile


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth adds email and passwords)."""

    display_name = forms.CharField(
        label=_("Display name"), max_length=60, help_text=_("Shown to your team and to merchants you visit.")
    )
    mobile = PhoneNumberField(
        label=_("Mobile"),
        region="CN",
        required=False,
        validators=[validate_mainland_mobile],
        help_text=_("Mainland China mobile number, e.g. 138 1234 5678."),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.mobile = self.cleaned_data.get("mobile") or ""
        user.language = get_language() if get_language() in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        user.save(update_fields=["display_name", "mobile", "language"])
