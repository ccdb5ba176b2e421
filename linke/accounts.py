"""allauth's adapter: after logging in, each person lands in the channel they belong to."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.module_loading import import_string


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """A `next` address wins (allauth's own handling); otherwise the first of `HOME_CHANNELS` (a test
        of the user, the channel's home) that the user belongs to: a provider member goes to the portal,
        a merchant to the merchant centre, anyone else to the portal's home, which explains how to join."""
        for belongs, home in settings.HOME_CHANNELS:
            if import_string(belongs)(request.user):
                return resolve_url(home)
        return super().get_login_redirect_url(request)
