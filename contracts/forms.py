"""Forms and URL filters of the contracts domain's pages.

Contracts (this section): the list filters of both sides, the two steps of a new draft (merchant and kind,
then the terms: the stores, dates, fee and commission for full operation, service items for specialized
work, delivery standards), and the small forms of the lifecycle (reason, notice, signing, lead pool)."""

import re
from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from merchants.models import Store

from .choices import ContractKind, ContractStatus, ServiceArea, ServiceLevel, StandardKind
from .models import MONEY
from .selectors.contracts import contract_store_choices, merchants_worked_with, proposal_stores

# === contracts ======================================================================================

TITLE_MAX_LENGTH = 100
SCOPE_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 1000
SEARCH_MAX_LENGTH = 100
MAX_ITEMS = 30
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# "5.5", "5.50 %", "12%": up to 100 with at most two decimals (basis points are whole numbers).
PERCENT = re.compile(r"^\s*(\d{1,3})(?:[.](\d{1,2}))?\s*%?\s*$")


def percent_to_basis_points(text: str) -> int:
    """ "5.5 %" → 550. Decimal arithmetic only; raises ValueError for anything else (NaN, "1e3", "-1", "5.555")."""
    match = PERCENT.match(text)
    if not match:
        raise ValueError(text)
    whole, fraction = match.group(1), match.group(2) or "0"
    basis_points = int((Decimal(f"{whole}.{fraction}") * 100).to_integral_exact())
    if basis_points > 10_000:
        raise ValueError(text)
    return basis_points


def basis_points_to_percent(basis_points: int | None) -> str:
    """550 → "5.50" (for a form's initial value and the pages)."""
    return "" if basis_points is None else f"{Decimal(basis_points) / 100:.2f}"


class PercentField(forms.Field):
    """A percentage as people type it; cleaned to basis points (an int), or None when left empty."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 10})
    default_error_messages = {
        "invalid": _("Enter a percentage from 0 to 100 with at most two decimals, e.g. 5.5 for 5.5 %."),
    }

    def prepare_value(self, value):
        return basis_points_to_percent(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        try:
            if len(text) > 20:
                raise ValueError(text)
            return percent_to_basis_points(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def money_field(label, **kwargs):
    return forms.DecimalField(label=label, min_value=Decimal(0), localize=False, **MONEY, **kwargs)


class ContractFilter(django_filters.FilterSet):
    """Both sides' list: `?status=&kind=&store=<id>` (the store among those the contracts in view name)."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ContractStatus.choices, empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Cooperation mode"), choices=ContractKind.choices, empty_label=_("All"))
    store = django_filters.ChoiceFilter(label=_("Store"), empty_label=_("All"), method="filter_store")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["store"].extra["choices"] = contract_store_choices(self.queryset)

    def filter_store(self, queryset, name, value: int):
        return queryset.filter(contract_stores__store_id=int(value))


class ProviderContractFilter(ContractFilter):
    """The provider's list adds `?merchant=` (part of the merchant's name)."""

    merchant = django_filters.CharFilter(
        label=_("Merchant"), field_name="merchant__name", lookup_expr="icontains", max_length=SEARCH_MAX_LENGTH
    )


class MerchantContractFilter(ContractFilter):
    """The merchant's list adds `?provider=` (part of the provider's name)."""

    provider = django_filters.CharFilter(
        label=_("Provider"), field_name="provider__name", lookup_expr="icontains", max_length=SEARCH_MAX_LENGTH
    )


class MerchantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, merchant):
        return merchant.name


class ContractStartForm(forms.Form):
    """Step one of a new draft (a GET form): the merchant, among those the provider works with (a request, a
    held lead, a contract), and the kind of contract."""

    merchant = MerchantChoiceField(
        label=_("Merchant"),
        queryset=None,
        empty_label=_("Choose a merchant"),
        help_text=_("Merchants who sent you a cooperation request, whose lead you hold, or you have a contract with."),
    )
    kind = forms.ChoiceField(label=_("Cooperation mode"), widget=forms.RadioSelect)

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request, inside the provider's scope; only the modes the provider offers.
        self.fields["merchant"].queryset = merchants_worked_with()
        modes = [(mode, label) for mode, label in ContractKind.choices if mode in provider.cooperation_modes]
        self.fields["kind"].choices = modes
        if len(modes) == 1:
            self.fields["kind"].initial = modes[0][0]


class StoreChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, store):
        return f"{store.name} · {store.city} · {store.address}"


class ContractTermsForm(forms.Form):
    """The terms every contract has; for full operation also the fee model (a fixed monthly fee and/or a
    commission in % of attributed GMV, stored in basis points). Rules across fields (term length, a fee for
    full operation) are the service's (`validate_terms`), whose message the page shows."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    stores = StoreChoiceField(
        label=_("Stores"),
        queryset=Store.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The merchant's stores the contract covers."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE_WIDGET)
    end_date = forms.DateField(
        label=_("End date"), widget=DATE_WIDGET, help_text=_("Inclusive. Full operation runs 90 days to 3 years.")
    )
    scope = forms.CharField(
        label=_("Scope of work"),
        max_length=SCOPE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the provider will do, in words the merchant understands."),
    )
    monthly_fee = money_field(_("Fixed monthly fee (CNY)"), required=False)
    commission = PercentField(
        label=_("Commission (percentage of attributed GMV)"),
        required=False,
        help_text=_(
            "For example 5.5 for 5.5 %. Leave empty for none; a full-operation contract needs a fee or a commission."
        ),
    )

    def __init__(self, *args, merchant, kind, with_stores=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if with_stores:
            self.fields["stores"].queryset = proposal_stores(merchant)
        else:
            del self.fields["stores"]  # a revision or an upgrade keeps the stores
        if kind != ContractKind.FULL_OPERATION:
            del self.fields["monthly_fee"], self.fields["commission"]


class ServiceItemForm(forms.Form):
    """服务项 of a specialized contract: area × level, what it is, unit price, quantity, due date."""

    area = forms.ChoiceField(label=_("Service area"), choices=ServiceArea.choices)
    level = forms.ChoiceField(label=_("Service level"), choices=ServiceLevel.choices)
    title = forms.CharField(label=_("Item"), max_length=100)
    unit_price = money_field(_("Unit price (CNY)"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100, initial=1)
    due_date = forms.DateField(label=_("Due date"), widget=DATE_WIDGET)


ServiceItemFormSet = forms.formset_factory(
    ServiceItemForm,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_ITEMS,
    validate_max=True,
    absolute_max=MAX_ITEMS,
    can_delete=True,
)


class StandardsForm(forms.Form):
    """交付标准 of a full-operation contract: a monthly target per KPI (leave empty: not part of the contract)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in StandardKind.choices:
            self.fields[kind] = forms.DecimalField(
                label=label, required=False, min_value=Decimal("0.01"), max_digits=14, decimal_places=2
            )

    def standards(self) -> list[dict]:
        return [
            {"kind": kind, "target": self.cleaned_data[kind]}
            for kind in StandardKind.values
            if self.cleaned_data.get(kind) is not None
        ]

    @staticmethod
    def initial_from(standards) -> dict:
        return {standard.kind: standard.target for standard in standards}


class ContractTermsForms:
    """The forms of the terms page together: `terms` (ContractTermsForm), `items` (the service items' formset,
    specialized) or `standards` (StandardsForm, full operation). Posting `add_row` re-renders the page with one
    more item row (no script needed), keeping what was typed. `initial_from(contract_terms(...))` prefills."""

    def __init__(self, data=None, *, merchant, kind, with_stores=True, initial=None):
        initial = initial or {}
        self.adding_row = data is not None and "add_row" in data
        if self.adding_row:
            data = data.copy()
            total = data.get("items-TOTAL_FORMS", "")
            total = int(total) if total.isascii() and total.isdigit() else 1
            data["items-TOTAL_FORMS"] = str(min(total + 1, MAX_ITEMS))
        self.kind = kind
        self.full = kind == ContractKind.FULL_OPERATION
        self.terms = ContractTermsForm(
            data, merchant=merchant, kind=kind, with_stores=with_stores, initial=initial.get("terms")
        )
        self.items = None if self.full else ServiceItemFormSet(data, prefix="items", initial=initial.get("items"))
        self.standards = (
            StandardsForm(data, prefix="standards", initial=initial.get("standards")) if self.full else None
        )

    @staticmethod
    def initial_from(terms: dict, *, stores=()) -> dict:
        """Initial values from terms as the services give them (`contract_terms`)."""
        fields = ("title", "scope", "start_date", "end_date", "monthly_fee")
        return {
            "terms": {field: terms.get(field) for field in fields}
            | {"commission": terms.get("commission_bp"), "stores": list(stores)},
            "items": [dict(item) for item in terms.get("items", [])] or None,
            "standards": {standard["kind"]: standard["target"] for standard in terms.get("standards", [])},
        }

    def is_valid(self) -> bool:
        forms_ = [form for form in (self.terms, self.items, self.standards) if form is not None]
        return not self.adding_row and all([form.is_valid() for form in forms_])

    def stores(self) -> list | None:
        """The stores chosen (None when the page has no store field: an upgrade keeps the old contract's)."""
        return list(self.terms.cleaned_data["stores"]) if "stores" in self.terms.fields else None

    def _item_forms(self) -> list:
        return [form for form in self.items.forms if form.cleaned_data and not self.items._should_delete_form(form)]

    @staticmethod
    def _item(form) -> dict:
        return {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}

    def cleaned_terms(self) -> dict:
        """The terms as the services take them (`validate_terms`)."""
        data = self.terms.cleaned_data
        items = (
            []
            if self.full
            else [{k: v for k, v in f.cleaned_data.items() if k != "DELETE"} for f in self._item_forms()]
        )
        return {
            "title": data["title"],
            "scope": data["scope"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "monthly_fee": data.get("monthly_fee"),
            "commission_bp": data.get("commission"),
            "items": items,
            "standards": self.standards.standards() if self.full else [],
        }

    def add_service_error(self, error) -> None:
        """Show a service's `ApplicationError` at the field its `details.field` names ("end_date", "items.0.title",
        "standards.1.target", ...), or above the form."""
        field = error.details.get("field", "") if isinstance(error.details, dict) else ""
        parts = str(field).split(".")
        form, name = self.terms, {"commission_bp": "commission"}.get(parts[0], parts[0])
        if parts[0] == "items" and self.items is not None and len(parts) == 3 and parts[1].isdigit():
            item_forms = self._item_forms()
            if int(parts[1]) < len(item_forms):
                form, name = item_forms[int(parts[1])], parts[2]
        elif parts[0] == "standards" and self.standards is not None and len(parts) >= 2 and parts[1].isdigit():
            chosen = self.standards.standards()
            if int(parts[1]) < len(chosen):
                form, name = self.standards, chosen[int(parts[1])]["kind"]
        form.add_error(name if name in form.fields else None, error.message)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The other side sees it."),
    )


class NoticeForm(forms.Form):
    """Notice of termination: the end date asked for (30 days' notice, earlier only if the other side agrees)."""

    end_date = forms.DateField(label=_("End date"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("Reason for termination"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The other side sees it."),
    )


class SignForm(forms.Form):
    """Signing posts the version the page showed; for full operation the merchant confirms the fees in words
    that name them."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    confirm_fees = forms.BooleanField(required=False)

    def __init__(self, *args, contract, fee_sentence=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = contract.version
        if fee_sentence:
            self.fields["confirm_fees"].required = True
            self.fields["confirm_fees"].label = fee_sentence
        else:
            del self.fields["confirm_fees"]


class ReturnToPoolForm(forms.Form):
    agree = forms.TypedChoiceField(
        label=_("When this contract ends, may your stores return to the lead pool?"),
        choices=[("yes", _("Yes: other providers may contact me again")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
