from django import forms
from django.utils.translation import gettext_lazy as _

from certification.models import Track
from linke.models import ServiceCity

from .choices import CooperationMode, ServiceArea
from .models import CaseStudy, Provider, ServicePackage


class ProviderProfileForm(forms.ModelForm):
    service_cities = forms.ModelMultipleChoiceField(
        label=_("Service cities"),
        queryset=ServiceCity.objects.filter(is_active=True).order_by("name_pinyin"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10, "data-linke-filter": "true"}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several cities."),
    )
    tracks = forms.ModelMultipleChoiceField(
        label=_("Tracks"),
        queryset=Track.objects.filter(is_active=True),
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
