import itertools

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from linke.notifications import notification_send
from providers.choices import Role

from ..conftest import client_for
from ..query_counts import assert_query_baseline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["portal:team", "api:team-list"])
def test_team_lists_do_not_query_per_member(url_name, member):
    me = member(Role.OWNER)
    client = client_for(me) if url_name.startswith("portal") else APIClient()
    client.force_login(me.user)
    assert_query_baseline(
        url_name, lambda: client.get(reverse(url_name)), lambda k: [member(Role.VIEWER).user.email for _ in range(k)]
    )


@pytest.mark.parametrize("url_name", ["portal:notifications", "api:notification-list"])
def test_notification_lists_do_not_query_per_notification(url_name, user):
    client = APIClient()
    client.force_login(user)
    titles = (f"提醒{i}号" for i in itertools.count())
    assert_query_baseline(
        url_name,
        lambda: client.get(reverse(url_name)),
        lambda k: [
            notification_send(recipient=user, verb="t", title=next(titles), email=False).title for _ in range(k)
        ],
    )
