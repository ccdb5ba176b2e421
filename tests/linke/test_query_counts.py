import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from linke.notifications import notification_send
from providers.choices import Role

from ..conftest import client_for
from ..query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["portal:team", "api:team-list"])
def test_team_lists_do_not_query_per_member(url_name, member):
    me = member(Role.OWNER)
    client = client_for(me) if url_name.startswith("portal") else APIClient()
    client.force_login(me.user)
    assert_constant_queries(lambda: client.get(reverse(url_name)), lambda k: [member(Role.VIEWER) for _ in range(k)])


@pytest.mark.parametrize("url_name", ["portal:notifications", "api:notification-list"])
def test_notification_lists_do_not_query_per_notification(url_name, user):
    client = APIClient()
    client.force_login(user)
    assert_constant_queries(
        lambda: client.get(reverse(url_name)),
        lambda k: [notification_send(recipient=user, verb="t", title=f"n{i}", email=False) for i in range(k)],
    )
