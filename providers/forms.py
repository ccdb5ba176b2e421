from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linke.forms import MobileNumberField
from reference.forms import KeepsChosenRowsMixin
from reference.selectors import service_city_choices, track_choices

from .choices import CooperationMode, Role, ServiceArea
from .models import CaseStudy, ImpersonationReport, Provider, ProviderApplication, ServicePackage
from .rules import code_is_well_formed, code_normalize
from .services.team import ASSIGNABLE_ROLE_CHOICES
from .services.verification import REPORT_FIELDS
from .validators import LICENCE_HELP_TEXT, validate_licence_file


class ServicePackageForm(forms.ModelForm):
    class Meta:
        model = ServicePackage
        fields = ["name", "area", "level", "price", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"price": _("In CNY, e.g. 2999.00.")}


class CaseStudyForm(forms.ModelForm):
    class Meta:
        model = CaseStudy
        fields = ["title", "merchant_name", "track", "summary", "position"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )  # 254: the column's length (the validator alone allows 320)
    role = forms.ChoiceField(label=_("Role"), choices=ASSIGNABLE_ROLE_CHOICES, initial=Role.BD)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ASSIGNABLE_ROLE_CHOICES)


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "placeholder": "XXXXX-XXXXX",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        help_text=_("10 letters and digits, as shown on the staff member's phone. Case and hyphens do not matter."),
    )

    def clean_code(self):
        code = code_normalize(self.cleaned_data["code"])
        if not code_is_well_formed(code):
            raise forms.ValidationError(_("A code has 10 letters and digits, e.g. 7KQ2M-X9XDA. Please check it."))
        return code


class ImpersonationReportForm(forms.ModelForm):
    reporter_phone = MobileNumberField(
        label=_("Your phone"), required=False, help_text=_("Only if you agree that an operator calls you back.")
    )

    class Meta:
        model = ImpersonationReport
        fields = REPORT_FIELDS
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "details": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"location": _("The shop or address where they came.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("This time is in the future."))
        return occurred_at


# --- 入驻申请: the application page, in four sections -----------------------------------------
class SearchableSelectMultiple(forms.SelectMultiple):
    """A `<select multiple>` that static/js/select-filter.js gives a text filter; each option
    carries its pinyin and initials, so "xiamen" or "xm" finds 厦门."""

    class Media:
        js = ["js/select-filter.js"]  # the admin renders form media; portal templates load it themselves

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "data-linke-filter": "true",
                "data-linke-filter-placeholder": _("Type a name or its pinyin to filter"),
                **(attrs or {}),
            }
        )

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        city = getattr(value, "instance", None)
        if city is not None:
            option["attrs"]["data-search"] = f"{city.name_pinyin} {city.name_initials} {city.name_en}".lower()
        return option


class ServiceCityField(forms.ModelMultipleChoiceField):
    """Active service cities, labelled with their province (337 of them: the widget filters)."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=service_city_choices(),
            widget=SearchableSelectMultiple(attrs={"size": 12}),
            **kwargs,
        )

    def label_from_instance(self, city):
        label = str(city)  # English name on English pages
        if label != city.name or city.province is None or city.province.name == city.name:
            return label  # (municipalities are their own province)
        return f"{city.name}（{city.province.name}）"


class ApplicationSectionForm(forms.ModelForm):
    """One card of the application page. Every field is needed to submit, and shown so; but a
    draft may leave any of them empty, so they are validated as optional (`application_submit`
    says what is still missing)."""

    title = ""
    use_required_attribute = False  # the browser must not stop "Save draft" on an empty field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True

    def full_clean(self):
        for field in self.fields.values():
            field.required = False
        try:
            super().full_clean()
        finally:
            for field in self.fields.values():
                field.required = True


class ApplicationCompanyForm(ApplicationSectionForm):
    title = _("Company")

    class Meta:
        model = ProviderApplication
        fields = ["legal_name", "credit_code", "legal_representative"]
        help_texts = {
            "legal_name": _("Exactly as on the business licence."),
            "credit_code": _("统一社会信用代码: the 18 characters on the business licence."),
        }


class ApplicationLicenceForm(ApplicationSectionForm):
    title = _("Business licence")
    licence = forms.FileField(
        label=_("Business licence"),
        validators=[validate_licence_file],
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        help_text=LICENCE_HELP_TEXT,
    )

    class Meta:
        model = ProviderApplication
        fields = ["licence"]


class ApplicationContactForm(ApplicationSectionForm):
    title = _("Contact")
    contact_mobile = MobileNumberField(
        label=_("Contact mobile"),
        help_text=_("A mainland China mobile number; operators call it if they have questions."),
    )

    class Meta:
        model = ProviderApplication
        fields = ["contact_name", "contact_mobile"]


class ApplicationServicesForm(KeepsChosenRowsMixin, ApplicationSectionForm):
    title = _("Services")
    service_cities = ServiceCityField(
        label=_("Service cities"),
        help_text=_("Type to filter by name or pinyin; hold Ctrl (⌘ on a Mac) to choose several cities."),
    )
    tracks = forms.ModelMultipleChoiceField(
        label=_("Tracks"), queryset=track_choices(), widget=forms.CheckboxSelectMultiple
    )
    cooperation_modes = forms.MultipleChoiceField(
        label=_("Cooperation modes offered"), choices=CooperationMode.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ProviderApplication
        fields = ["service_cities", "tracks", "cooperation_modes", "access_mode", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 5}), "access_mode": forms.RadioSelect}
        help_texts = {
            "access_mode": _("Work in the portal, connect your own systems through the API, or both."),
            "introduction": _("What your company does for merchants: shown in the provider directory once approved."),
        }


class ApplicationForm:
    """The application page: its sections validated together. Bound to POST data only (the
    instance, when given, only fills the initial values)."""

    section_classes = (ApplicationCompanyForm, ApplicationLicenceForm, ApplicationContactForm, ApplicationServicesForm)

    def __init__(self, data=None, files=None, *, instance=None):
        self.sections = [section(data, files, instance=instance) for section in self.section_classes]

    def is_valid(self) -> bool:
        return all([section.is_valid() for section in self.sections])  # a list: every section reports its errors

    @property
    def draft_data(self) -> dict:
        """Every field for `application_save_draft` (the licence file goes separately). A field the
        model never leaves blank (the access mode) keeps its value when none is sent."""
        return {
            field: value
            for section in self.sections
            for field, value in section.cleaned_data.items()
            if field != "licence"
            and (value not in forms.Field.empty_values or ProviderApplication._meta.get_field(field).blank)
        }

    @property
    def licence(self):
        """The uploaded licence file when it is a valid one."""
        return getattr(self.sections[1], "cleaned_data", {}).get("licence") or None

    def refuse_licence(self, message) -> None:
        self.sections[1].add_error("licence", message)

    @property
    def has_errors(self) -> bool:
        return any(section.errors for section in self.sections)

    def add_errors(self, details: dict) -> None:
        """Show a service's per-field errors next to their fields."""
        for field, errors in details.items():
            section = next((s for s in self.sections if field in s.fields), None)
            if section is not None:
                for error in errors:
                    section.add_error(field, str(error))


class ProviderProfileForm(KeepsChosenRowsMixin, forms.ModelForm):
    service_cities = ServiceCityField(label=_("Service cities"), required=False)
    tracks = forms.ModelMultipleChoiceField(
        label=_("Tracks"),
        queryset=track_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cooperation_modes = forms.MultipleChoiceField(
        label=_("Cooperation modes offered"),
        choices=CooperationMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    service_areas = forms.MultipleChoiceField(
        label=_("Service areas"),
        choices=ServiceArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Provider
        fields = [
            "introduction",
            "service_cities",
            "tracks",
            "cooperation_modes",
            "service_areas",
            "access_mode",
            "contact_name",
            "contact_mobile",
        ]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 5}), "access_mode": forms.RadioSelect}
        field_classes = {"contact_mobile": MobileNumberField}
        help_texts = {"contact_mobile": _("Mainland China mobile number, e.g. 138 1234 5678.")}
