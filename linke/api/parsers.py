"""The API's parsers: DRF's, with the edge guard of `linke.http.RequestGuardMiddleware` applied to bodies.

A NUL character (PostgreSQL cannot store it) or JSON nested deeper than any form of ours is refused with
`malformed_request`; a lone surrogate (`"\\ud800"`, which no encoder can write back) becomes U+FFFD, so a field
that does not accept it says so in its own error, as Django does for form posts."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
NUL_REFUSED = _("The request contains a character that cannot be stored (NUL). Please remove it.")
TOO_DEEP = _("The JSON document is nested too deeply.")
NOT_JSON = _("The request body is not valid JSON.")


def clean(value, depth=0):
    """`value` with lone surrogates replaced; raises ParseError for NUL or excessive depth."""
    if depth > MAX_DEPTH:
        raise ParseError(TOO_DEEP)
    if isinstance(value, str):
        if "\x00" in value:
            raise ParseError(NUL_REFUSED)
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [clean(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {clean(key, depth + 1): clean(item, depth + 1) for key, item in value.items()}
    return value


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:  # deeper than Python's own limit
            raise ParseError(TOO_DEEP) from error
        except ParseError as error:  # DRF's says why in English, in the decoder's words
            raise ParseError(NOT_JSON) from error
        return clean(data)


def _clean_form(data):
    for key, values in data.lists():
        for value in [key, *values]:
            clean(value)
    return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _clean_form(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _clean_form(parsed.data)
        return parsed
