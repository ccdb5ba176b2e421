"""Forms and URL filters of posted needs (需求发布), both sides; the filters serve the pages and the API alike.

The forms check what each field is (a choice, an amount, a date); the rules (stores in the need's city, the
budget range, the deadline window, the timeline of 代运营, ...) are the services' (`contracts.services.rfqs`),
whose errors the pages show at the field they concern (`FIELD_OF_ERROR`)."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from merchants.models import Store
from providers.choices import CooperationMode, ServiceArea, ServiceLevel
from reference.models import ServiceCity, Track

from .choices import RfqStatus
from .models import MONEY
from .selectors.rfqs import rfq_feed_filters
from .services.rfqs import DEADLINE_MAX, FULL_OPERATION_TIMELINE_DAYS, TIMELINE_DAYS

TITLE_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 2000
MONEY_FIELD = {"max_digits": MONEY["max_digits"], "decimal_places": MONEY["decimal_places"], "min_value": 0}

# A service error code → the field it is about (else it is shown above the form).
FIELD_OF_ERROR = {
    "title_required": "title",
    "description_required": "description",
    "mode_invalid": "mode",
    "stores_required": "stores",
    "store_not_yours": "stores",
    "store_not_in_city": "stores",
    "budget_range": "budget_max",
    "deadline_past": "deadline",
    "deadline_too_far": "deadline",
    "price_invalid": "price",
    "timeline_out_of_range": "timeline_days",
    "scope_required": "scope",
    "deliverables_required": "deliverables",
    "standards_required": "monthly_gmv_target",
    "standards_invalid": "monthly_gmv_target",
}


def show_error(form: forms.Form, error) -> None:
    """Put a service's `ApplicationError` on the form, at its field when it has one there."""
    field = FIELD_OF_ERROR.get(error.code)
    form.add_error(field if field in form.fields else None, str(error.message))


class StoreChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, store):
        return f"{store.name} · {store.city} · {store.address}"


class RfqCreateForm(forms.Form):
    """A new need: the merchant's own stores are the only choices (another merchant's store id is invalid)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("For example: group-buying short videos for our two hotpot stores."),
    )
    track = forms.ModelChoiceField(label=_("Track"), queryset=Track.objects.none())
    city = forms.ModelChoiceField(label=_("City"), queryset=ServiceCity.objects.none())
    stores = StoreChoiceField(
        label=_("Stores"),
        queryset=Store.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your stores in that city the providers would work for."),
    )
    mode = forms.ChoiceField(label=_("Cooperation mode"), choices=CooperationMode.choices, widget=forms.RadioSelect)
    budget_min = forms.DecimalField(label=_("Budget from (CNY)"), **MONEY_FIELD)
    budget_max = forms.DecimalField(
        label=_("Budget up to (CNY)"), help_text=_("For full operation: the monthly fee."), **MONEY_FIELD
    )
    deadline = forms.DateTimeField(
        label=_("Proposals until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(
        label=_("What you need"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Goals, what you expect to receive, when to start. Providers see it with your stores."),
    )

    def __init__(self, *args, merchant, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request, inside the merchant's scope (a class-level queryset of a scoped model is closed).
        stores = Store.objects.filter(merchant=merchant).select_related("city").order_by("name", "pk")
        self.fields["stores"].queryset = stores
        self.fields["track"].queryset = Track.objects.active()
        self.fields["city"].queryset = ServiceCity.objects.active()
        self.fields["deadline"].help_text = _(
            "At most %(days)s days from now. Accept a proposal before then: the need closes at its deadline."
        ) % {"days": DEADLINE_MAX.days}
        self.fields["deadline"].initial = (timezone.localtime() + DEADLINE_MAX / 4).replace(
            minute=0, second=0, microsecond=0
        )


class ProposalForm(forms.Form):
    """A provider's proposal for a need of `mode`: specialized names its one service item's area and level;
    full operation prices a month and names its delivery standards."""

    price = forms.DecimalField(label=_("Price (CNY)"), **MONEY_FIELD)
    timeline_days = forms.IntegerField(
        label=_("Timeline (days)"), min_value=TIMELINE_DAYS[0], max_value=TIMELINE_DAYS[1]
    )
    scope = forms.CharField(
        label=_("Scope"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you will do for the merchant's stores."),
    )
    deliverables = forms.CharField(
        label=_("Deliverables"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the merchant receives: videos, livestreams, reports."),
    )
    service_area = forms.ChoiceField(
        label=_("Service area"), choices=ServiceArea.choices, initial=ServiceArea.STORE_OPS
    )
    service_level = forms.ChoiceField(
        label=_("Service level"), choices=ServiceLevel.choices, initial=ServiceLevel.BASIC
    )
    monthly_gmv_target = forms.DecimalField(label=_("Monthly GMV target (CNY)"), required=False, **MONEY_FIELD)
    videos_per_month = forms.IntegerField(
        label=_("Short videos per month"), required=False, min_value=1, max_value=1000
    )

    def __init__(self, *args, mode: str, **kwargs):
        super().__init__(*args, **kwargs)
        if mode == CooperationMode.FULL_OPERATION:
            del self.fields["service_area"], self.fields["service_level"]
            low, high = FULL_OPERATION_TIMELINE_DAYS
            self.fields["price"].label = _("Monthly fee (CNY)")
            self.fields["timeline_days"].label = _("Term (days)")
            self.fields["timeline_days"].help_text = _("%(low)s to %(high)s days (90 days to 3 years).") % {
                "low": low,
                "high": high,
            }
            self.fields["monthly_gmv_target"].help_text = _(
                "The delivery standards of the contract: give a GMV target, a number of videos or both."
            )
        else:
            del self.fields["monthly_gmv_target"], self.fields["videos_per_month"]
            self.fields["price"].help_text = _("The whole job, one service item of the contract.")
            self.fields["timeline_days"].help_text = _("The work is due this many days after the contract starts.")


# --- URL filters ------------------------------------------------------------------------------


class RfqFilter(django_filters.FilterSet):
    """The merchant's needs: `?status=&mode=`."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=RfqStatus.choices, empty_label=_("All"))
    mode = django_filters.ChoiceFilter(
        label=_("Cooperation mode"), choices=CooperationMode.choices, empty_label=_("All")
    )


def _feed_cities(request):
    return rfq_feed_filters(request.provider)["cities"] if request else ServiceCity.objects.none()


def _feed_tracks(request):
    return rfq_feed_filters(request.provider)["tracks"] if request else Track.objects.none()


PROPOSED, NOT_PROPOSED = "yes", "no"


class FeedFilter(django_filters.FilterSet):
    """The provider's feed: `?city=&track=&mode=&proposed=yes|no` (cities and tracks among its own)."""

    city = django_filters.ModelChoiceFilter(label=_("City"), queryset=_feed_cities, empty_label=_("All"))
    track = django_filters.ModelChoiceFilter(label=_("Track"), queryset=_feed_tracks, empty_label=_("All"))
    mode = django_filters.ChoiceFilter(
        label=_("Cooperation mode"), choices=CooperationMode.choices, empty_label=_("All")
    )
    proposed = django_filters.ChoiceFilter(
        label=_("Our proposal"),
        choices=[(NOT_PROPOSED, _("Not proposed yet")), (PROPOSED, _("Proposed"))],
        empty_label=_("All"),
        method="filter_proposed",
    )

    def filter_proposed(self, queryset, name, value):
        return queryset.filter(my_proposal_id__isnull=value != PROPOSED)
