"""Checks of what providers upload and type as a deliverable's evidence (the portal, the API and the service
alike): files judged by their content, never their name (as the business licence: `providers.validators`)."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from providers.validators import sniff_file_type

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_MIME_TYPES = {"application/pdf", "image/jpeg", "image/png", "video/mp4"}
EVIDENCE_ACCEPT = "application/pdf,image/jpeg,image/png,video/mp4"
EVIDENCE_FILE_HELP_TEXT = _("A PDF, JPEG, PNG or MP4 file, at most 20 MB (a report, a screenshot, a video).")
EVIDENCE_LINKS_MAX = 5
EVIDENCE_LINK_MAX_LENGTH = 500
EVIDENCE_LINKS_HELP_TEXT = _("Up to 5 links (http or https), one per line: the published video, the livestream replay…")
EVIDENCE_NOTE_MAX_LENGTH = 2000

_url = URLValidator(schemes=["http", "https"])


def validate_evidence_file(file) -> None:
    """A deliverable's file is a PDF, JPEG, PNG or MP4 by content, and at most 20 MB."""
    if file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; evidence may be at most 20 MB."),
            code="evidence_too_large",
            params={"size": filesizeformat(file.size)},
        )
    kind = sniff_file_type(file)
    if kind is None or kind.mime not in EVIDENCE_MIME_TYPES:
        raise ValidationError(
            _("This file is not a PDF, JPEG, PNG or MP4, whatever its name says."), code="evidence_type"
        )


def clean_evidence_links(links) -> list[str]:
    """The links as kept: a list (or text with one per line), each stripped, empty ones and repeats dropped;
    at most 5, each an http(s) URL of at most 500 characters. Raises ValidationError saying which is wrong."""
    if links is None:
        return []
    if isinstance(links, str):
        links = links.splitlines()
    if not isinstance(links, list | tuple) or not all(isinstance(link, str) for link in links):
        raise ValidationError(_("Give the links as a list of web addresses."), code="evidence_links_invalid")
    kept = list(dict.fromkeys(link.strip() for link in links if link.strip()))
    if len(kept) > EVIDENCE_LINKS_MAX:
        raise ValidationError(
            _("Give at most %(limit)s links; there are %(count)s."),
            code="evidence_links_too_many",
            params={"limit": EVIDENCE_LINKS_MAX, "count": len(kept)},
        )
    for link in kept:
        if len(link) > EVIDENCE_LINK_MAX_LENGTH:
            raise ValidationError(
                _("A link may be at most %(limit)s characters long."),
                code="evidence_link_too_long",
                params={"limit": EVIDENCE_LINK_MAX_LENGTH},
            )
        try:
            _url(link)
        except ValidationError as error:
            raise ValidationError(
                _("“%(link)s” is not a web address starting with http:// or https://."),
                code="evidence_link_invalid",
                params={"link": link[:100]},
            ) from error
    return kept
