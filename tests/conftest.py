import pytest
from django.test import Client

from linke.tenancy import all_providers
from providers.choices import Role

from .factories import MembershipFactory, ProviderFactory, UserFactory


@pytest.fixture
def provider(db):
    return ProviderFactory(name="阿尔法服务商")


@pytest.fixture
def other_provider(db):
    return ProviderFactory(name="贝塔服务商")


@pytest.fixture
def member(db, provider):
    """`member(role)` creates a user with that role in `provider` (or `provider=`)."""

    def make(role=Role.BD, provider=provider, **kwargs):
        with all_providers():
            return MembershipFactory(provider=provider, role=role, **kwargs)

    return make


@pytest.fixture
def user(db):
    return UserFactory()


def client_for(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def portal_client(member):
    """A logged-in client acting for `provider` as its owner."""
    return client_for(member(Role.OWNER))
