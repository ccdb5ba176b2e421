"""The permission matrix of SPEC §3, in one place, for portal and API alike.

owner ⊇ admin (team, API keys, webhooks, sign contracts, certification, appeals, settings)
      ⊇ bd (claim leads, propose contracts, verification codes);
operator (deliverables, review replies); viewer (read only)."""

import enum

from django.utils.translation import gettext_lazy as _

from linke.errors import PermissionDeniedError

from .choices import Role


class Action(enum.StrEnum):
    VIEW = "view"
    MANAGE_TEAM = "manage_team"
    TRANSFER_OWNERSHIP = "transfer_ownership"
    EDIT_SETTINGS = "edit_settings"
    USE_VERIFICATION_CODE = "use_verification_code"
    VIEW_ALL_VERIFICATIONS = "view_all_verifications"


_BD = {Role.OWNER, Role.ADMIN, Role.BD}
_ADMIN = {Role.OWNER, Role.ADMIN}

MATRIX: dict[Action, set[Role]] = {
    Action.VIEW: set(Role),
    Action.MANAGE_TEAM: _ADMIN,
    Action.TRANSFER_OWNERSHIP: {Role.OWNER},
    Action.EDIT_SETTINGS: _ADMIN,
    Action.USE_VERIFICATION_CODE: _BD,
    Action.VIEW_ALL_VERIFICATIONS: _ADMIN,  # others see the verifications of their own codes
}

MESSAGES = {
    Action.MANAGE_TEAM: _("Only the owner and admins can manage the team."),
    Action.TRANSFER_OWNERSHIP: _("Only the owner can transfer ownership."),
    Action.EDIT_SETTINGS: _("Only the owner and admins can change the provider's settings."),
    Action.USE_VERIFICATION_CODE: _("Only the owner, admins and BD staff can use verification codes."),
}


def can(membership, action: Action) -> bool:
    return membership is not None and membership.is_active and membership.role in MATRIX[action]


def require(membership, action: Action, *, provider=None, fresh: bool = False):
    """Raise `PermissionDeniedError` (403 with a clear message) unless the member may do `action`
    (in `provider`, a Provider or its id, when given). `fresh=True` re-reads the membership under a row
    lock first, inside the caller's transaction: a demotion or deactivation that has just committed
    counts. Returns the membership as checked."""
    if fresh and membership is not None:
        membership = type(membership)._base_manager.select_for_update().filter(pk=membership.pk).first()
    provider_id = getattr(provider, "pk", provider)
    if not can(membership, action) or (provider_id is not None and membership.provider_id != provider_id):
        raise PermissionDeniedError(MESSAGES.get(action))
    return membership
