"""Text shown to people, written the way the active language writes it."""

from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import get_language


def join_names(names: Iterable) -> str:
    """A list of names (cities, tracks, cooperation modes, ...) for display: Chinese separates them
    with the enumeration comma 、 (福州、厦门), English with a comma and a space (Fuzhou, Xiamen).
    Lazy translations and model instances are rendered with `str()` in the active language.

    Not for technical values (code points, field names, ids), which read the same in every language.
    """
    language = get_language() or settings.LANGUAGE_CODE
    separator = "、" if language.startswith("zh") else ", "
    return separator.join(str(name) for name in names)
