"""Forms and URL filters of the money area (GMV records, statements; both sides). The filters serve the pages
and the API alike; choices of a scoped model are built per request, inside the channel's scope."""

from datetime import date

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .choices import ContractKind, GmvKind, StatementStatus
from .models import Contract, GmvRecord, Statement
from .selectors.contracts import contract_store_choices
from .selectors.money import month_range
from .services.money import REASON_MAX_LENGTH

MONTH_FORMATS = ["%Y-%m"]
FIRST_MONTH, LAST_MONTH = date(2000, 1, 1), date(2099, 12, 1)


def validate_month(value: date) -> None:
    """A month the platform can have records of (2000-01 to 2099-12): beyond, its end is no date."""
    if not FIRST_MONTH <= value <= LAST_MONTH:
        raise ValidationError(_("Choose a month from 2000-01 to 2099-12."), code="month_out_of_range")


class MonthField(forms.DateField):
    """A month as `<input type="month">` sends it (2026-01), cleaned to its 1st."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    default_validators = [validate_month]

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", MONTH_FORMATS)
        kwargs.setdefault("help_text", _("YYYY-MM, e.g. 2026-01"))
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.STR)  # YYYY-MM, not a model field
class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def __init__(self, *, lookup: str, **kwargs):
        self.lookup = lookup
        super().__init__(label=_("Month"), **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        if self.lookup == "period":
            return queryset.filter(period=value.replace(day=1))
        since, until = month_range(value)
        return queryset.filter(ordered_at__gte=since, ordered_at__lt=until)


def _full_operation_contracts(request):
    """The channel's full-operation contracts (evaluated inside its scope)."""
    return Contract.objects.filter(kind=ContractKind.FULL_OPERATION).exclude(signed_at__isnull=True).order_by("-pk")


class ContractFilter(django_filters.ModelChoiceFilter):
    def __init__(self):
        super().__init__(label=_("Contract"), queryset=_full_operation_contracts, empty_label=_("All"))


class StatementFilter(django_filters.FilterSet):
    """Statements of either side: `?status=&month=YYYY-MM&contract=<id>`."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=StatementStatus.choices, empty_label=_("All"))
    month = MonthFilter(lookup="period")
    contract = ContractFilter()

    class Meta:
        model = Statement
        fields = ["status", "month", "contract"]


def _store_choices():
    return contract_store_choices(_full_operation_contracts(None))


class GmvFilter(django_filters.FilterSet):
    """GMV records: `?month=YYYY-MM&contract=<id>&store=<id>&kind=`."""

    month = MonthFilter(lookup="ordered_at")
    contract = ContractFilter()
    store = django_filters.ChoiceFilter(
        label=_("Store"), choices=_store_choices, empty_label=_("All"), field_name="store_id"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=GmvKind.choices, empty_label=_("All"))

    class Meta:
        model = GmvRecord
        fields = ["month", "contract", "store", "kind"]


class StatementDisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with it"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX_LENGTH}),
        help_text=_("The provider sees it and reissues the statement, recomputed."),
    )


class StatementIssueForm(forms.Form):
    """Issue one month of one contract (the buttons of the list's “to issue” section)."""

    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), widget=forms.HiddenInput)
    month = MonthField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = _full_operation_contracts(None)
