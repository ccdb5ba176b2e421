"""The public provider directory `/providers/`: browse, filter, search and open a profile, no login needed.

Every filter is a GET parameter (a shareable URL; the back button works). With htmx the form and the
pagination refresh only the results (`directory/_results.html`), and push the URL; without JavaScript
the same form is a plain GET. Reads come from the listing table (`selectors.directory_page`): a filtered,
sorted and counted page costs at most three queries."""

from decimal import Decimal

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ..choices import CooperationMode, DirectorySort, ServiceArea, Tier
from ..rules import TIER_BENEFITS
from ..selectors import (
    FEATURED_LIMIT,
    PAGE_SIZE,
    DirectoryFilters,
    directory_page,
    directory_profile_get,
    directory_reference,
)

MIN_RATINGS = ["4.5", "4.0", "3.5", "3.0"]
MAX_PAGE = 10_000


def _choices(rows, everything) -> list:
    return [("", everything), *((row.id, str(row)) for row in rows)]


class DirectoryFilterForm(forms.Form):
    """The directory's filters. A value that is not on offer (an unknown city id, a NUL in the search) makes
    its field invalid: that filter is left out and the page says so, the others still apply."""

    q = forms.CharField(label=_("Search"), max_length=50, required=False)
    city = forms.TypedChoiceField(label=_("City"), coerce=int, required=False, empty_value=None)
    industry = forms.TypedChoiceField(label=_("Industry"), coerce=int, required=False, empty_value=None)
    category = forms.TypedChoiceField(label=_("Sub-category"), coerce=int, required=False, empty_value=None)
    track = forms.TypedChoiceField(label=_("Track"), coerce=int, required=False, empty_value=None)
    mode = forms.ChoiceField(
        label=_("Cooperation mode"), required=False, choices=[("", _("Any mode")), *CooperationMode.choices]
    )
    area = forms.ChoiceField(
        label=_("Service area"), required=False, choices=[("", _("Any area")), *ServiceArea.choices]
    )
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    rating = forms.TypedChoiceField(
        label=_("Minimum rating"),
        coerce=Decimal,
        required=False,
        empty_value=None,
        choices=[
            ("", _("Any rating")),
            *((value, _("%(stars)s stars and up") % {"stars": value}) for value in MIN_RATINGS),
        ],
    )
    certified = forms.BooleanField(label=_("Certified only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=DirectorySort.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reference = directory_reference()
        self.fields["city"].choices = _choices(reference.cities.values(), _("All cities"))
        self.fields["industry"].choices = _choices(reference.industries.values(), _("All industries"))
        self.fields["category"].choices = [
            ("", _("All sub-categories")),
            *(
                (str(industry), [(c.id, str(c)) for c in reference.categories.values() if c.parent_id == industry.id])
                for industry in reference.industries.values()
            ),
        ]
        self.fields["track"].choices = _choices(reference.tracks.values(), _("All tracks"))
        self.fields["tier"].choices = [
            ("", _("Any tier")),
            *((tier.value, _("%(tier)s and above") % {"tier": tier.label}) for tier in Tier),
        ]
        for name, field in self.fields.items():
            if name != "q":
                field.widget.attrs["data-linke-autosubmit"] = ""  # linke.js submits the form on change
        search = self.fields["q"].widget.attrs
        search["type"] = "search"
        search["placeholder"] = _("Name, introduction, case study or pinyin initials")

    def filters(self) -> DirectoryFilters:
        """The valid filters (an invalid field counts as not chosen)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        data["q"] = " ".join(data.get("q", "").split())
        data["sort"] = data.get("sort") or DirectorySort.RECOMMENDED
        return DirectoryFilters(**data)


def _page_number(raw: str) -> int:
    return min(int(raw), MAX_PAGE) if raw.isascii() and raw.isdigit() and len(raw) < 8 else 1


@require_GET
@vary_on_headers("HX-Request")
def directory(request):
    """The directory; an htmx request from the page itself gets the results only (a history restore, made
    when the browser's cache of a page is gone, gets the whole page)."""
    form = DirectoryFilterForm(request.GET)
    filters = form.filters()
    page = directory_page(filters, _page_number(request.GET.get("page", "1")))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "page_size": PAGE_SIZE,
        "featured_limit": FEATURED_LIMIT,
        "ignored": [form.fields[name].label for name in form.errors],
    }
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "directory/_results.html" if partial else "directory/index.html", context)


@require_GET
def ranking(request):
    """The published formula of the "recommended" order, with the tier boosts and featured slots."""
    tiers = [(Tier(tier).label, benefits) for tier, benefits in TIER_BENEFITS.items()]
    return render(request, "directory/how_we_rank.html", {"tiers": tiers, "featured_limit": FEATURED_LIMIT})


def cooperation_request_url(provider_id: int) -> str:
    """Where the profile's "send a cooperation request" button goes (the merchant portal's form for it)."""
    try:
        base = reverse("merchant:request_create")
    except NoReverseMatch:  # until the merchant portal has the page
        base = "/merchant/requests/new/"
    return f"{base}?provider={provider_id}"


@require_GET
def profile(request, pk: int):
    """A listed provider's public profile; unknown, suspended and terminated providers are not found."""
    found = directory_profile_get(pk)
    if found is None:
        raise Http404
    return render(
        request,
        "directory/profile.html",
        {"profile": found, "listing": found.card.listing, "request_url": cooperation_request_url(pk)},
    )
