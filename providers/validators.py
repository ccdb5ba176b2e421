"""Validators of uploads made by applicants and providers."""

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

LICENCE_MAX_BYTES = 5 * 1024 * 1024
LICENCE_MIME_TYPES = {"application/pdf", "image/jpeg", "image/png"}
LICENCE_HELP_TEXT = _("A scan or photo of the business licence: PDF, JPEG or PNG, at most 5 MB.")


def sniff_file_type(file):
    """The `filetype` kind of an uploaded or stored file, judged by its first bytes (never by its
    name), or None when the content is of no known type."""
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    return filetype.guess(head)


def validate_licence_file(file) -> None:
    """A business licence is a PDF, JPEG or PNG by content, and at most 5 MB."""
    if file.size > LICENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; a business licence may be at most 5 MB."),
            code="licence_too_large",
            params={"size": filesizeformat(file.size)},
        )
    kind = sniff_file_type(file)
    if kind is None:
        raise ValidationError(
            _(
                "This file is not a PDF, JPEG or PNG, whatever its name says. "
                "Please upload a scan or photo of the business licence."
            ),
            code="licence_type",
        )
    if kind.mime not in LICENCE_MIME_TYPES:
        raise ValidationError(
            _(
                "This file is not a PDF, JPEG or PNG: its content is of type %(kind)s, whatever its name says. "
                "Please upload a scan or photo of the business licence."
            ),
            code="licence_type",
            params={"kind": kind.extension.upper()},
        )
