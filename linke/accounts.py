"""allauth's adapter: its limits see the client as the rest of the app does, failed logins lock out an
account at one address (not everyone behind that address), and after logging in each person lands in the
channel they belong to."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.module_loading import import_string

from .http import rate_limit_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The address the rate limits count (`linke.http.rate_limit_ip`: the proxy's header when one is
        configured; clients of unknown address share one budget)."""
        return rate_limit_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # `login_failed`'s "key" limit counts per account at the client's address: wrong passwords typed
        # for one account lock that account out there, not every colleague behind the same address.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}@{self.get_client_ip(request)}"

    def get_login_redirect_url(self, request):
        """A `next` address wins (allauth's own handling); otherwise the first of `HOME_CHANNELS` (a test
        of the user, the channel's home) that the user belongs to: a provider member goes to the portal,
        a merchant to the merchant centre, anyone else to the portal's home, which explains how to join."""
        for belongs, home in settings.HOME_CHANNELS:
            if import_string(belongs)(request.user):
                return resolve_url(home)
        return super().get_login_redirect_url(request)
