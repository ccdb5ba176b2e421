"""The public provider directory `/providers/`: browse, filter, search and open a profile, no login needed.

Every filter is a GET parameter (a shareable URL; the back button works). With htmx the form and the
pagination refresh only the results (`directory/_results.html`), and push the URL; without JavaScript
the same form is a plain GET. Reads come from the listing table (`selectors.directory_page`): a filtered,
sorted and counted page costs at most three queries.

What a page costs besides its queries is kept small: the filter form's selects (some 340 cities, the
category tree) are rendered once per language and kept with the reference rows they show (a page marks its
chosen option in that HTML), a value is checked against a set of the ids on offer, and the result cards
render with Jinja2 (`directory/_cards.jinja.html`), not with a template included per card, and are kept by
what they are made of (see KEPT_CARDS)."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import jinja2
from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import NoReverseMatch, reverse
from django.utils.choices import BaseChoiceIterator, normalize_choices
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from markupsafe import Markup

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
AUTOSUBMIT = {"data-linke-autosubmit": ""}  # linke.js submits the form on change


class KeptOptionsSelect(forms.Select):
    """A select rendered once per language, name and attributes, and kept with the directory's reference rows
    (so an edit of a city, track or category, which clears them, makes it again); each page marks its chosen
    option in the kept HTML. The markup is forms.Select's: the kept HTML is what it renders with no option
    chosen, and the chosen option gets the ` selected` it would have got."""

    NOTHING = "\x00"  # a value no option has: the kept HTML has no option selected

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        key = ("select", name, get_language(), tuple(final_attrs.items()))
        html = directory_reference().memo(
            key, lambda: super(KeptOptionsSelect, self).render(name, self.NOTHING, attrs, renderer)
        )
        for chosen in self.format_value(value):  # the first option of the chosen value, as Select marks it
            option = f'<option value="{escape(chosen)}">'
            if option in html:
                return mark_safe(html.replace(option, f"{option[:-1]} selected>", 1))  # noqa: S308 (escaped)
        return html


class KeptChoices(BaseChoiceIterator):
    """Choices made by `make()` once per language and kept with the reference rows (Select looks at them
    for its `required` attribute, the validation and the kept HTML read them): a form does not make ~340
    of them, or normalise them, again."""

    def __init__(self, name: str, make):
        self.name, self.make = name, make

    def __iter__(self):
        key = ("choices", self.name, get_language())
        return iter(directory_reference().memo(key, lambda: normalize_choices(self.make())))


def _rows(table: str, everything):
    return lambda: [("", everything), *((row.id, str(row)) for row in getattr(directory_reference(), table).values())]


def _category_tree():
    reference = directory_reference()
    return [
        ("", _("All sub-categories")),
        *(
            (str(industry), [(c.id, str(c)) for c in reference.categories.values() if c.parent_id == industry.id])
            for industry in reference.industries.values()
        ),
    ]


def _tiers():
    return [("", _("Any tier")), *((tier.value, _("%(tier)s and above") % {"tier": tier.label}) for tier in Tier)]


def _ratings():
    return [("", _("Any rating")), *((value, _("%(stars)s stars and up") % {"stars": value}) for value in MIN_RATINGS)]


class ReferenceChoiceField(forms.TypedChoiceField):
    """The id of a reference row on offer (a city, an industry, a sub-category, a track), or nothing. A
    value is looked up in a set of the values on offer, made once for the rows, not in the choices."""

    def __init__(self, *, choices: KeptChoices, **kwargs):
        widget = KeptOptionsSelect(attrs=AUTOSUBMIT)
        super().__init__(choices=choices, coerce=int, required=False, empty_value=None, widget=widget, **kwargs)

    def valid_value(self, value):
        return str(value) in directory_reference().memo(("offered", self.choices.name), self._offered)

    def _offered(self) -> frozenset:
        """What Django's valid_value() accepts: every option's value, the grouped options' too."""
        return frozenset(
            str(value)
            for key, label in self.choices
            for value in ([grouped for grouped, _label in label] if isinstance(label, list | tuple) else [key])
        )


class DirectoryFilterForm(forms.Form):
    """The directory's filters. A value that is not on offer (an unknown city id, a NUL in the search) makes
    its field invalid: that filter is left out and the page says so, the others still apply."""

    q = forms.CharField(label=_("Search"), max_length=50, required=False, widget=forms.SearchInput)
    city = ReferenceChoiceField(label=_("City"), choices=KeptChoices("city", _rows("cities", _("All cities"))))
    industry = ReferenceChoiceField(
        label=_("Industry"), choices=KeptChoices("industry", _rows("industries", _("All industries")))
    )
    category = ReferenceChoiceField(label=_("Sub-category"), choices=KeptChoices("category", _category_tree))
    track = ReferenceChoiceField(label=_("Track"), choices=KeptChoices("track", _rows("tracks", _("All tracks"))))
    mode = forms.ChoiceField(
        label=_("Cooperation mode"),
        required=False,
        choices=[("", _("Any mode")), *CooperationMode.choices],
        widget=KeptOptionsSelect(attrs=AUTOSUBMIT),
    )
    area = forms.ChoiceField(
        label=_("Service area"),
        required=False,
        choices=[("", _("Any area")), *ServiceArea.choices],
        widget=KeptOptionsSelect(attrs=AUTOSUBMIT),
    )
    tier = forms.ChoiceField(
        label=_("Tier"), required=False, choices=KeptChoices("tier", _tiers), widget=KeptOptionsSelect(attrs=AUTOSUBMIT)
    )
    rating = forms.TypedChoiceField(
        label=_("Minimum rating"),
        coerce=Decimal,
        required=False,
        empty_value=None,
        choices=KeptChoices("rating", _ratings),
        widget=KeptOptionsSelect(attrs=AUTOSUBMIT),
    )
    certified = forms.BooleanField(
        label=_("Certified only"), required=False, widget=forms.CheckboxInput(attrs=AUTOSUBMIT)
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=DirectorySort.choices,
        widget=KeptOptionsSelect(attrs=AUTOSUBMIT),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search = self.fields["q"].widget.attrs
        search["class"] = "form-control"  # inside an input group, beside its button
        search["placeholder"] = _("Name, case study or pinyin initials")
        search["title"] = _("Name, introduction, case study or pinyin initials")

    def filters(self) -> DirectoryFilters:
        """The valid filters (an invalid field counts as not chosen)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        data["q"] = " ".join(data.get("q", "").split())
        data["sort"] = data.get("sort") or DirectorySort.RECOMMENDED
        return DirectoryFilters(**data)


def _page_number(raw: str) -> int:
    return min(int(raw), MAX_PAGE) if raw.isascii() and raw.isdigit() and len(raw) < 8 else 1


# --- The result cards ---------------------------------------------------------------------------------
# A card's HTML is made from its listing's row, whether it is featured, the language and the reference rows'
# names, nothing else: rendered cards are kept by exactly these (the names by keeping them with the reference
# rows), up to KEPT_CARDS a language, the oldest dropped first. What a page shows is never older than its rows.
KEPT_CARDS = 2000


@dataclass
class ShownCard:
    """A result card as `directory/_cards.jinja.html` shows it: its words translated and its numbers
    formatted as the template language's floatformat formats them."""

    featured: bool
    url: str
    name: str
    tier: str  # listing.get_tier_display()
    certified: list[Markup]  # "Certified: <track>"
    rating: str  # "" without reviews
    reviews: Markup
    gmv: str  # "" when none was served
    excerpt: str
    more: bool  # the excerpt was cut
    cities: list[str]  # the first four
    more_cities: Markup | str
    tracks: list[str]
    modes: list[str]  # card.modes


# The words of the cards are translated here, in Python (makemessages reads these calls; it cannot read a
# Jinja2 template's), and handed to the template as trusted text, as the template language's tags output
# them; what is put into them is escaped (Markup's %).
def _translated(text: str) -> Markup:
    return Markup(text)  # noqa: S704 (the catalogue's text, trusted as {% translate %} trusts it)


def _reviews(count: int) -> Markup:
    return _translated(ngettext("(%(counter)s review)", "(%(counter)s reviews)", count)) % {"counter": count}


def _more_cities(count: int) -> Markup:
    return _translated(ngettext("+%(counter)s city", "+%(counter)s cities", count)) % {"counter": count}


def _certified(track: str) -> Markup:
    return _translated(gettext("Certified: %(track)s")) % {"track": track}


@cache
def _jinja2() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(settings.BASE_DIR / "templates"),
        autoescape=True,
        auto_reload=settings.DEBUG,
        undefined=jinja2.StrictUndefined,
    )


def _profile_url():
    """The profile link of a card, by one reverse() a page: the URL of one id with the card's put in."""
    marker = 987654321
    head, tail = reverse("directory_profile", kwargs={"pk": marker}).rsplit(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"


def _card_key(card) -> tuple:
    """What a card's HTML is made of, besides the language and the names of the reference rows."""
    listing = card.listing
    return (
        card.featured,
        listing.provider_id,
        listing.name,
        listing.excerpt,
        listing.tier,
        listing.rating,
        listing.review_count,
        listing.gmv_served,
        tuple(listing.city_ids),
        tuple(listing.track_ids),
        tuple(listing.certified_track_ids),
        tuple(listing.modes),
    )


def shown_cards(cards, url) -> list[ShownCard]:
    """What the cards show, in the reader's language."""
    tiers = {value: str(label) for value, label in Tier.choices}
    modes = {value: str(label) for value, label in CooperationMode.choices}
    names: dict[int, str] = {}  # id() of a reference row (kept in the lookup): its name, str(row)

    def name(row) -> str:
        try:
            return names[id(row)]
        except KeyError:
            names[id(row)] = text = str(row)
            return text

    shown = []
    for card in cards:
        listing = card.listing
        cities = card.cities
        shown.append(
            ShownCard(
                featured=card.featured,
                url=url(listing.provider_id),
                name=listing.name,
                tier=tiers.get(listing.tier, listing.tier),
                certified=[_certified(name(track)) for track in card.certified_tracks],
                rating="" if listing.rating is None else floatformat(listing.rating, 1),
                reviews=_reviews(listing.review_count),
                gmv=floatformat(listing.gmv_served, "0g") if listing.gmv_served else "",
                excerpt=listing.excerpt,
                more=len(listing.excerpt) >= 120,
                cities=[name(city) for city in cities[:4]],
                more_cities=_more_cities(len(cities) - 4) if len(cities) > 4 else "",
                tracks=[name(track) for track in card.tracks],
                modes=[modes[mode] for mode in listing.modes if mode in modes],
            )
        )
    return shown


def render_cards(page) -> str:
    """The cards of a directory page (the featured ones first), as HTML: the kept ones, and the others
    rendered (and kept)."""
    cards = [*page.featured, *page.cards]
    url = _profile_url()
    kept = {} if settings.DEBUG else directory_reference().memo(("cards", get_language(), url(0)), dict)
    keys = [_card_key(card) for card in cards]
    html = [kept.get(key) for key in keys]
    missing = [index for index, found in enumerate(html) if found is None]
    if missing:
        card = _jinja2().get_template("directory/_cards.jinja.html").module.card
        words = {
            "featured": _translated(pgettext("directory slot, 推荐位", "Featured")),
            "no_reviews": _translated(gettext("No reviews yet")),
            "gmv_served": _translated(gettext("GMV served")),
        }
        for index, shown in zip(missing, shown_cards([cards[index] for index in missing], url), strict=True):
            html[index] = str(card(shown, words))
            while len(kept) >= KEPT_CARDS:
                kept.pop(next(iter(kept)), None)
            kept[keys[index]] = html[index]
    return mark_safe("".join(html))  # noqa: S308 (Jinja2 escaped what it put in)


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
        "cards": render_cards(page),
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
    found = directory_profile_get(pk, reviews_page=_page_number(request.GET.get("reviews", "1")))
    if found is None:
        raise Http404
    return render(
        request,
        "directory/profile.html",
        {"profile": found, "listing": found.card.listing, "request_url": cooperation_request_url(pk)},
    )
