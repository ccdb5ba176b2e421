"""Forms and URL filters of reviews (both sides); the filters serve the pages and the API alike."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linke.errors import ApplicationError

from .rules import REVIEW_TEXT_MAX_LENGTH
from .services.reviews import clean_review_text

STAR_CHOICES = [(stars, str(stars)) for stars in range(1, 6)]


def _stars_field(label, help_text):
    return forms.TypedChoiceField(
        label=label,
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        help_text=help_text,
        error_messages={"required": _("Give this point from 1 to 5 stars.")},
    )


def _text_field(label, help_text, rows):
    return forms.CharField(
        label=label,
        max_length=REVIEW_TEXT_MAX_LENGTH,
        strip=False,  # the service strips, and counts what is kept
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": REVIEW_TEXT_MAX_LENGTH}),
        help_text=help_text,
    )


class ReviewForm(forms.Form):
    """Stars (1–5) on three points and a text; the text is checked by the service's own rule."""

    professionalism = _stars_field(_("Professionalism"), _("Did they know their trade and keep their promises?"))
    communication = _stars_field(_("Communication"), _("Were they easy to reach, clear and quick to answer?"))
    results = _stars_field(_("Results"), _("Did the work bring what you expected?"))
    text = _text_field(
        _("Your review"),
        _("Shown on the provider's public profile, with the start of your name only. At most 2,000 characters."),
        rows=5,
    )

    def clean_text(self):
        try:
            return clean_review_text(self.cleaned_data["text"])
        except ApplicationError as error:
            raise ValidationError(error.message, code=error.code) from error


class ReplyForm(forms.Form):
    text = _text_field(
        _("Your reply"),
        _("Shown under the review, on your public profile too. You can reply once. At most 2,000 characters."),
        rows=4,
    )

    def clean_text(self):
        try:
            return clean_review_text(self.cleaned_data["text"], what="reply")
        except ApplicationError as error:
            raise ValidationError(error.message, code=error.code) from error


class RepliedFilter(django_filters.ChoiceFilter):
    """`?replied=no`: the reviews still to answer; `?replied=yes`: the answered ones."""

    def __init__(self):
        super().__init__(
            label=_("Reply"),
            choices=[("no", _("Not answered yet")), ("yes", _("Answered"))],
            empty_label=_("All"),
        )

    def filter(self, queryset, value):
        if value == "no":
            return queryset.filter(reply="")
        if value == "yes":
            return queryset.exclude(reply="")
        return queryset


class StarsAtMostFilter(django_filters.ChoiceFilter):
    """`?stars=3`: the reviews whose average is at most 3 stars (the unhappy merchants first to call)."""

    def __init__(self):
        super().__init__(
            label=_("Average stars"),
            choices=[("2", _("2 stars or fewer")), ("3", _("3 stars or fewer")), ("4", _("4 stars or fewer"))],
            empty_label=_("Any"),
        )

    def filter(self, queryset, value):
        # points_total (selectors.review_list) is 3 × the average: at most n stars is at most 3n points.
        return queryset.filter(points_total__lte=3 * int(value)) if value else queryset


class ProviderReviewFilter(django_filters.FilterSet):
    """The provider's reviews: `?replied=no|yes&stars=2|3|4`."""

    replied = RepliedFilter()
    stars = StarsAtMostFilter()
