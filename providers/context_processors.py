from types import SimpleNamespace

from django.utils.functional import SimpleLazyObject

from .permissions import Action, can
from .tenancy import session_membership


def _shell(request):
    """The provider part of the portal shell: who the user acts for, their other providers (the
    switcher) and what their role allows (`portal.can.manage_team`, ..., `portal.shows_api_docs`, for
    the menus). A portal page has resolved it already; other pages in the shell (account settings,
    notifications) read it here, for display only: no scope is entered."""
    if hasattr(request, "memberships"):
        memberships, membership = request.memberships, request.membership
    else:
        memberships, membership = session_membership(request, request.user)
    return SimpleNamespace(
        memberships=memberships,
        membership=membership,
        provider=membership.provider if membership else None,
        can={action.value: can(membership, action) for action in Action},
        # The API docs are for whoever sets up an integration: the owner and admins, who hold the API keys
        # and webhooks with the settings (SPEC §3), and the platform's staff.
        shows_api_docs=request.user.is_staff or can(membership, Action.EDIT_SETTINGS),
    )


def portal(request):
    """`portal` in every template: resolved only by the templates that show it (the portal shell)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal": None}
    return {"portal": SimpleLazyObject(lambda: _shell(request))}
