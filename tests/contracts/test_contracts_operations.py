# ruff: noqa: F811  (the `world` fixture is imported from lifecycle_setup)
"""The operators' side of the lifecycle: granting and removing a track certification in the admin (through
the standing service, with a track and a reason), and `manage.py end_contracts`."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from contracts.choices import ContractStatus
from linke.models import AuditEvent
from providers.models import ProviderStanding

from ..factories.contracts import make_contract
from .lifecycle_setup import fetch, today, world  # noqa: F401

pytestmark = pytest.mark.django_db


def certified(provider) -> list[str]:
    return sorted(ProviderStanding.objects.get(provider=provider).certified_tracks.values_list("slug", flat=True))


def test_the_admin_grants_and_removes_a_track_with_a_reason(world, operator, client):
    client.force_login(operator)
    url = reverse("admin:providers_providerstanding_changelist")
    beauty = world.tracks[1]
    asked = client.post(url, {"action": "grant_track", "_selected_action": [world.provider.pk]})
    assert asked.status_code == 200
    assert b'name="track"' in asked.content and b'name="reason"' in asked.content
    assert certified(world.provider) == ["dining"]  # nothing yet: the track and reason are asked first
    incomplete = client.post(
        url, {"action": "grant_track", "_selected_action": [world.provider.pk], "apply": "1", "track": beauty.pk}
    )
    assert incomplete.status_code == 200  # the reason is required
    assert certified(world.provider) == ["dining"]
    done = client.post(
        url,
        {
            "action": "grant_track",
            "_selected_action": [world.provider.pk],
            "apply": "1",
            "track": beauty.pk,
            "reason": "线下考核通过",
        },
    )
    assert done.status_code == 302
    assert certified(world.provider) == ["beauty", "dining"]
    client.post(
        url,
        {
            "action": "remove_track",
            "_selected_action": [world.provider.pk],
            "apply": "1",
            "track": world.tracks[0].pk,
            "reason": "证书过期",
        },
    )
    assert certified(world.provider) == ["beauty"]
    audits = list(
        AuditEvent.objects.filter(action__startswith="standing.")
        .order_by("pk")
        .values_list("action", "before", "after")
    )
    assert audits == [
        ("standing.grant_track", {"certified_tracks": ["dining"]}, {"certified_tracks": ["beauty", "dining"]}),
        ("standing.remove_track", {"certified_tracks": ["beauty", "dining"]}, {"certified_tracks": ["beauty"]}),
    ]


def test_end_contracts_starts_and_ends_by_date(world):
    waiting = make_contract(
        world.provider, world.merchant, stores=[world.store], status=ContractStatus.SIGNED, start=today()
    )
    over = make_contract(
        world.provider,
        world.merchant,
        stores=[world.second_store],
        status=ContractStatus.ACTIVE,
        start=today() - timedelta(days=40),
        end=today() - timedelta(days=1),
    )
    out = StringIO()
    call_command("end_contracts", stdout=out)
    assert out.getvalue().strip() == "1 contracts started, 1 contracts ended"
    assert (fetch(waiting).status, fetch(over).status) == (ContractStatus.ACTIVE, ContractStatus.COMPLETED)
    out = StringIO()
    call_command("end_contracts", stdout=out)
    assert out.getvalue().strip() == "0 contracts started, 0 contracts ended"
    with pytest.raises(CommandError):
        call_command("end_contracts", "--date", "2027-02-30")
