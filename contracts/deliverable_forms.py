"""Forms and URL filters of the deliverables pages (both sides); the filters serve the pages and the API alike.

A file chosen in the submit form is kept when the submission fails for another reason (a wrong link, say):
the valid file is stored aside (`evidence_keep`), the page carries a signed token naming it and the
deliverable, and the next submission uses it unless another file is chosen — as the licence upload keeps
its file in the saved draft, so that the provider need not choose it again."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors.deliverables import BOARD_VIEWS, QUEUE_VIEWS
from .services.deliverables import (
    LIVESTREAM_HOURS_MAX,
    REASON_MAX_LENGTH,
    evidence_keep,
    evidence_kept,
    evidence_kept_discard,
    evidence_kept_file,
)
from .validators import (
    EVIDENCE_ACCEPT,
    EVIDENCE_FILE_HELP_TEXT,
    EVIDENCE_LINKS_HELP_TEXT,
    EVIDENCE_NOTE_MAX_LENGTH,
    clean_evidence_links,
    validate_evidence_file,
)

SEARCH_MAX_LENGTH = 100


class LinksField(forms.CharField):
    """One link per line (a list from the API works too), checked as the service does."""

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "https://"})

    def clean(self, value):
        value = super().clean(value)
        return clean_evidence_links(value)


class DeliverableSubmitForm(forms.Form):
    """Links and/or a file, a note, and for a livestream deliverable the hours delivered."""

    links = LinksField(label=_("Links"), required=False, help_text=EVIDENCE_LINKS_HELP_TEXT)
    file = forms.FileField(
        label=_("File"),
        required=False,
        validators=[validate_evidence_file],
        widget=forms.FileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        help_text=EVIDENCE_FILE_HELP_TEXT,
    )
    reported_amount = forms.DecimalField(
        label=_("Livestream hours delivered"),
        min_value=0.01,
        max_value=LIVESTREAM_HOURS_MAX,
        max_digits=5,
        decimal_places=2,
        help_text=_("The hours streamed this month, e.g. 20.5."),
    )
    note = forms.CharField(
        label=_("Note for the merchant"),
        required=False,
        max_length=EVIDENCE_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kept_file = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, deliverable, livestream: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.deliverable = deliverable
        if not livestream:
            del self.fields["reported_amount"]
        self.kept = None
        if self.is_bound:
            self.kept = evidence_kept(self.data.get("kept_file", ""), deliverable_id=deliverable.pk)
        if deliverable.evidence_file:
            self.fields["file"].help_text = _("%(help)s Choose a file only to replace the one on record.") % {
                "help": EVIDENCE_FILE_HELP_TEXT
            }

    def keep_file(self) -> None:
        """After a failed submission: keep the valid file chosen this time (stored aside), so that the page
        shows its name and the next submission uses it."""
        file = self.cleaned_data.get("file") if hasattr(self, "cleaned_data") else None
        if file is None or "file" in self.errors:
            return
        token = evidence_keep(file, deliverable_id=self.deliverable.pk)
        self.data = self.data.copy()
        self.data["kept_file"] = token
        self.kept = evidence_kept(token, deliverable_id=self.deliverable.pk)

    def evidence_file(self):
        """The file to submit: the one chosen now, or the one kept from a failed submission."""
        file = self.cleaned_data.get("file")
        if file is not None:
            return file
        return evidence_kept_file(self.kept) if self.kept is not None else None

    def discard_kept(self) -> None:
        """After the submission committed: the file kept aside is a copy no longer needed."""
        if self.kept is not None:
            evidence_kept_discard(self.kept)

    def add_service_errors(self, error) -> None:
        """A service's refusal next to its field (or above the form)."""
        placed = False
        for field, messages in (error.details or {}).items():
            if field in self.fields:
                for message in messages:
                    self.add_error(field, message)
                placed = True
        if not placed:
            self.add_error(None, error.message)


class DeliverableRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The provider sees it and redoes the deliverable."),
    )


class _ViewFilter(django_filters.ChoiceFilter):
    """A view of the list (`?view=` / `?show=`): the page picks the rows (`selectors.deliverable_view`)."""

    def filter(self, queryset, value):
        return queryset


def _contracts(request):
    """The contracts of the current side (evaluated inside its scope), newest first."""
    from .models import Contract

    return Contract.objects.only("pk", "title").order_by("-created_at", "-pk")


def _search(queryset, name, value):
    return queryset.filter(title__icontains=value) if value else queryset


class BoardFilter(django_filters.FilterSet):
    """The provider's board: `?view=due_week|overdue|awaiting|rejected|all&contract=<id>&q=`."""

    view = _ViewFilter(label=_("Show"), choices=[(v.key, v.label) for v in BOARD_VIEWS], empty_label=None)
    contract = django_filters.ModelChoiceFilter(label=_("Contract"), queryset=_contracts, empty_label=_("All"))
    q = django_filters.CharFilter(label=_("Search"), method=_search, max_length=SEARCH_MAX_LENGTH)


class QueueFilter(django_filters.FilterSet):
    """The merchant's acceptance queue: `?show=awaiting|rejected|accepted|to_deliver|all&contract=<id>&q=`."""

    show = _ViewFilter(label=_("Show"), choices=[(v.key, v.label) for v in QUEUE_VIEWS], empty_label=None)
    contract = django_filters.ModelChoiceFilter(label=_("Contract"), queryset=_contracts, empty_label=_("All"))
    q = django_filters.CharFilter(label=_("Search"), method=_search, max_length=SEARCH_MAX_LENGTH)


def chosen_view(filterset, name: str, views) -> str:
    """The view the URL asks for (the first one when it names none or an unknown one)."""
    filterset.form.is_valid()
    value = filterset.form.cleaned_data.get(name)
    return value if value in {view.key for view in views} else views[0].key
