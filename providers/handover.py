"""What a member holds when they leave, and how it is handed over: a hook for the apps above providers.

Deactivating a member (`providers.services.team.membership_deactivate`) must not leave their work
orphaned, but providers may not import the apps that own that work (merchants' 跟进人, later contracts).
So those apps register here, from their `AppConfig.ready()`:

* `holdings(membership) -> list[(label, count)]`: what the member holds ("12 merchants"), translated;
* `hand_over(membership, successor, actor) -> None`: give it all to `successor`, run inside the
  deactivation's transaction (an error rolls the deactivation back too);
* `accepts(successor) -> bool`: whether a member may take it over (their role, say); a successor must
  be accepted by every app, so that one choice covers everything the member holds. A member given a role
  that would not be accepted must hand over first (`membership_change_role`).

All three run inside the provider's scope and the caller's transaction."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Handover:
    holdings: Callable
    hand_over: Callable
    accepts: Callable


_HANDOVERS: dict[str, Handover] = {}


def register(name: str, *, holdings: Callable, hand_over: Callable, accepts: Callable = lambda successor: True):
    """Register (or replace: `ready()` may run twice) what the app called `name` hands over."""
    _HANDOVERS[name] = Handover(holdings=holdings, hand_over=hand_over, accepts=accepts)


def holdings_of(membership) -> list[tuple[str, int]]:
    """What `membership` holds, across every registered app: [] when nothing needs a successor."""
    return [item for handover in _HANDOVERS.values() for item in handover.holdings(membership) if item[1]]


def may_take_over(membership, successor) -> bool:
    """Whether `successor` can take over what `membership` holds: an active member of the same provider,
    not the one leaving, whom every registered app accepts."""
    return (
        successor is not None
        and successor.is_active
        and successor.provider_id == membership.provider_id
        and successor.pk != membership.pk
        and all(handover.accepts(successor) for handover in _HANDOVERS.values())
    )


def may_keep(membership) -> bool:
    """Whether `membership`, with the role it has now (or is about to get), may keep what it holds."""
    return all(handover.accepts(membership) for handover in _HANDOVERS.values())


def hand_over(membership, successor, actor) -> None:
    """Give everything `membership` holds to `successor` (checked with `may_take_over` first)."""
    for handover in _HANDOVERS.values():
        handover.hand_over(membership, successor, actor)
