"""Forms and URL filters of cooperation requests (both sides); the filters serve the pages and the API alike."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from providers.choices import CooperationMode
from providers.models import Provider

from .choices import RequestStatus
from .models import CooperationRequest, Store
from .selectors.requests import store_choices

MESSAGE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000


class StoreChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, store):
        return f"{store.name} · {store.city} · {store.address}"


class RequestSendForm(forms.Form):
    """Mode among those the provider offers, the merchant's own stores (another merchant's store id is not a
    choice: refused as invalid), a message."""

    mode = forms.ChoiceField(label=_("Cooperation mode"), widget=forms.RadioSelect)
    stores = StoreChoiceField(
        label=_("Stores"),
        queryset=Store.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The stores the provider would work for."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you expect from the provider: goals, budget, when to start. They will contact you."),
    )

    def __init__(self, *args, provider: Provider, merchant, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request, inside the merchant's scope (a class-level queryset of a scoped model is closed).
        self.fields["stores"].queryset = store_choices(merchant)
        modes = [(mode, CooperationMode(mode).label) for mode in provider.cooperation_modes if mode in CooperationMode]
        self.fields["mode"].choices = modes
        if len(modes) == 1:
            self.fields["mode"].initial = modes[0][0]


class RequestDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The merchant sees it."),
    )


class UnreadFilter(django_filters.BooleanFilter):
    """`?unread=true`: only the requests nobody at the provider has opened; anything else: all of them."""

    def __init__(self):
        super().__init__(label=_("Unread only"), widget=forms.CheckboxInput)

    def filter(self, queryset, value):
        return queryset.filter(read_at__isnull=True) if value else queryset


class InboxFilter(django_filters.FilterSet):
    """The provider's inbox: `?status=&mode=&unread=true`."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices, empty_label=_("All"))
    mode = django_filters.ChoiceFilter(
        label=_("Cooperation mode"), choices=CooperationMode.choices, empty_label=_("All")
    )
    unread = UnreadFilter()


def _providers_asked(request):
    """The providers the merchant has sent requests to (evaluated inside its scope)."""
    return Provider.objects.filter(pk__in=CooperationRequest.objects.values("provider_id")).only("pk", "name")


class SentFilter(django_filters.FilterSet):
    """The merchant's requests: `?status=&provider=<id>`."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices, empty_label=_("All"))
    provider = django_filters.ModelChoiceFilter(label=_("Provider"), queryset=_providers_asked, empty_label=_("All"))
