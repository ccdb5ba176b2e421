from itertools import groupby
from operator import attrgetter

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linke.forms import MobileNumberField

from .models import Merchant, Store
from .selectors.centre import (
    county_regions,
    district_choices,
    district_problem,
    offered_city,
    store_city_choices,
    subcategory_choices,
)


class MerchantProfileForm(forms.ModelForm):
    """The merchant profile: created once by the signed-in user, edited afterwards (the credit code is
    cleaned and checked as a provider's is, by the model field's form field)."""

    contact_mobile = MobileNumberField(
        label=_("Contact mobile"),
        required=False,
        help_text=_(
            "A mainland China mobile number. With it, providers serving your city can offer you their "
            "services (you can opt out at any time)."
        ),
    )

    class Meta:
        model = Merchant
        fields = ["name", "credit_code", "contact_name", "contact_mobile"]
        help_texts = {
            "name": _("Exactly as on the business licence."),
            "credit_code": _("统一社会信用代码: the 18 characters on the business licence."),
        }


class SubCategoryIterator(forms.models.ModelChoiceIterator):
    """The sub-categories in one `<optgroup>` per industry."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for industry, rows in groupby(self.queryset, key=attrgetter("parent")):
            yield (str(industry), [self.choice(row) for row in rows])


class SubCategoryField(forms.ModelChoiceField):
    iterator = SubCategoryIterator


class StoreForm(forms.ModelForm):
    """A store. The district select offers the districts of the chosen city; changing the city refreshes
    it with htmx (`merchant:store_districts`). Without JavaScript the page is sent with the old city's
    districts: any county is accepted by the field, and `clean()` says when it is not in the city."""

    category = SubCategoryField(label=_("Sub-category"), queryset=subcategory_choices())
    district = forms.ModelChoiceField(label=_("District"), queryset=county_regions(), required=False)

    class Meta:
        model = Store
        fields = ["name", "city", "district", "address", "category", "average_ticket"]
        help_texts = {
            "address": _("Street and number, as customers find the store."),
            "average_ticket": _("What a customer spends on average, in CNY, e.g. 88.00."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        city_field = self.fields["city"]
        city_field.queryset = store_city_choices(self.instance if self.instance.pk else None)
        city_field.widget.attrs |= {
            "hx-get": reverse("merchant:store_districts"),
            "hx-target": f"#{self['district'].auto_id}",
            "hx-swap": "innerHTML",
        }
        district = self.fields["district"]
        district.widget.choices = district_options(self._chosen_city())
        district.help_text = _("The districts of the store's city.")

    def _chosen_city(self):
        """The city the district select is for: the one submitted (if it is offered), else the store's."""
        if not self.is_bound:
            return self.instance.city if self.instance.city_id else None
        return offered_city(self.data.get(self.add_prefix("city")), self.fields["city"].queryset)

    def clean(self):
        cleaned_data = super().clean()
        if problem := district_problem(cleaned_data.get("city"), cleaned_data.get("district")):
            self.add_error("district", problem)
        return cleaned_data


def district_options(city) -> list[tuple[str, str]]:
    """The `<option>`s of the district select for `city` (the htmx refresh renders the same)."""
    if city is None:
        return [("", _("Choose the city first"))]
    return [("", _("(no district)")), *((region.pk, region.name) for region in district_choices(city))]
