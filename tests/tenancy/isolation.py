"""A reusable proof that a view leaks nothing across tenants.

`assert_isolated(client, url_for, own=..., foreign=...)`: the client acts for `own.provider`.
The view must answer 404 for the foreign provider's object, must not show it, must leave it
unchanged on unsafe methods, and must find the client's own object (so the probe is not vacuous).
The foreign object is probed first: an allowed action on the own object may change what the client
may do next (a transfer of ownership, say). `data` is sent with both requests."""

from django.forms.models import model_to_dict

from linke.tenancy import all_providers


def _snapshot(obj):
    with all_providers():
        return model_to_dict(type(obj)._base_manager.get(pk=obj.pk))


def assert_isolated(client, url_for, *, own, foreign, marker=None, methods=("get",), data=None, owner=None):
    """`owner(obj)`: who owns an object (default: its provider)."""
    marker = marker or (lambda obj: str(obj.pk))
    owner = owner or (lambda obj: obj.provider_id)
    assert owner(own) != owner(foreign), "own and foreign must belong to different owners"
    payload = {} if data is None else {"data": data}
    for method in methods:
        before = _snapshot(foreign)
        response = getattr(client, method)(url_for(foreign), **payload)
        assert response.status_code == 404, (
            f"{method.upper()} {url_for(foreign)} (another provider's object) answered {response.status_code}, not 404"
        )
        body = response.content.decode(errors="replace")
        assert marker(foreign) not in body, f"the 404 for {url_for(foreign)} shows the foreign object's data"
        assert _snapshot(foreign) == before, f"{method.upper()} {url_for(foreign)} changed another provider's row"
        own_response = getattr(client, method)(url_for(own), **payload)
        assert own_response.status_code in (200, 201, 204, 302), (
            f"{method.upper()} {url_for(own)} on the client's own object answered {own_response.status_code}: "
            "the probe proves nothing unless the view works for its own tenant"
        )
