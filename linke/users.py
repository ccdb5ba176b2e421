"""Writes to a user's own account, outside allauth's: what sign-up asks beyond email and password, and
the language notifications are written in."""

from django.conf import settings

from .models import User


def user_complete_signup(*, user: User, display_name: str, mobile, language: str) -> User:
    """Store what the sign-up form asked besides allauth's fields (`mobile` may be empty)."""
    user.display_name, user.mobile = display_name, mobile or ""
    user.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    user.save(update_fields=["display_name", "mobile", "language"])
    return user


def user_set_language(*, user: User, language: str) -> bool:
    """Remember the language chosen with the switcher; False when it is not offered or already set."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True
