"""The permission matrix of SPEC §3, in one place, for portal and API alike.

owner ⊇ admin (team, API keys, webhooks, sign contracts, certification, appeals, settings)
      ⊇ bd (claim leads, propose contracts, verification codes);
operator (deliverables, review replies); viewer (read only)."""

import enum

from django.utils.translation import gettext_lazy as _

from linke.actors import Actor, ActorKind
from linke.errors import PermissionDeniedError
from linke.locks import relock

from .choices import Role


class Action(enum.StrEnum):
    VIEW = "view"
    MANAGE_TEAM = "manage_team"
    TRANSFER_OWNERSHIP = "transfer_ownership"
    EDIT_SETTINGS = "edit_settings"
    USE_VERIFICATION_CODE = "use_verification_code"
    VIEW_ALL_VERIFICATIONS = "view_all_verifications"
    CLAIM_LEADS = "claim_leads"
    ANSWER_REQUESTS = "answer_requests"
    DISPUTE_CLAIMS = "dispute_claims"
    VIEW_ALL_ACCOUNTS = "view_all_accounts"
    ASSIGN_ACCOUNTS = "assign_accounts"
    PROPOSE_CONTRACTS = "propose_contracts"
    SIGN_OFF_CONTRACTS = "sign_off_contracts"
    WORK_DELIVERABLES = "work_deliverables"
    MANAGE_STATEMENTS = "manage_statements"
    RECORD_GMV = "record_gmv"
    ANSWER_RFQS = "answer_rfqs"
    REPLY_REVIEWS = "reply_reviews"


_BD = {Role.OWNER, Role.ADMIN, Role.BD}
_ADMIN = {Role.OWNER, Role.ADMIN}
_DELIVERY = {Role.OWNER, Role.ADMIN, Role.OPERATOR}

MATRIX: dict[Action, set[Role]] = {
    Action.VIEW: set(Role),
    Action.MANAGE_TEAM: _ADMIN,
    Action.TRANSFER_OWNERSHIP: {Role.OWNER},
    Action.EDIT_SETTINGS: _ADMIN,
    Action.USE_VERIFICATION_CODE: _BD,
    Action.VIEW_ALL_VERIFICATIONS: _ADMIN,  # others see the verifications of their own codes
    Action.CLAIM_LEADS: _BD,
    Action.ANSWER_REQUESTS: _BD,
    Action.DISPUTE_CLAIMS: _BD,
    Action.VIEW_ALL_ACCOUNTS: _ADMIN,  # a bd sees the merchants assigned to them (跟进人)
    Action.ASSIGN_ACCOUNTS: _ADMIN,
    # Contracts: a bd drafts, proposes, revises and withdraws proposals and upgrades; the owner and admins
    # sign off on the provider's side of a binding contract (notice of termination, agreeing an earlier
    # end); operators work the deliverables and answer reviews.
    Action.PROPOSE_CONTRACTS: _BD,
    Action.SIGN_OFF_CONTRACTS: _ADMIN,
    Action.WORK_DELIVERABLES: _DELIVERY,
    Action.MANAGE_STATEMENTS: _ADMIN,
    Action.RECORD_GMV: _DELIVERY,
    Action.ANSWER_RFQS: _BD,
    Action.REPLY_REVIEWS: _DELIVERY,
}

MESSAGES = {
    Action.MANAGE_TEAM: _("Only the owner and admins can manage the team."),
    Action.TRANSFER_OWNERSHIP: _("Only the owner can transfer ownership."),
    Action.EDIT_SETTINGS: _("Only the owner and admins can change the provider's settings."),
    Action.USE_VERIFICATION_CODE: _("Only the owner, admins and BD staff can use verification codes."),
    Action.CLAIM_LEADS: _("Only the owner, admins and BD staff can claim leads."),
    Action.ANSWER_REQUESTS: _("Only the owner, admins and BD staff can answer cooperation requests."),
    Action.DISPUTE_CLAIMS: _("Only the owner, admins and BD staff can dispute a claim."),
    Action.VIEW_ALL_ACCOUNTS: _("Only the owner and admins can see every account owner's merchants."),
    Action.ASSIGN_ACCOUNTS: _("Only the owner and admins can assign account owners."),
    Action.PROPOSE_CONTRACTS: _("Only the owner, admins and BD staff can draft and propose contracts."),
    Action.SIGN_OFF_CONTRACTS: _("Only the owner and admins can terminate a contract or agree to end it."),
    Action.WORK_DELIVERABLES: _("Only the owner, admins and operators can work on deliverables."),
    Action.MANAGE_STATEMENTS: _("Only the owner and admins can issue statements and mark them paid."),
    Action.RECORD_GMV: _("Only the owner, admins and operators can record GMV."),
    Action.ANSWER_RFQS: _("Only the owner, admins and BD staff can submit proposals for posted needs."),
    Action.REPLY_REVIEWS: _("Only the owner, admins and operators can reply to reviews."),
}


def can(membership, action: Action) -> bool:
    """Whether a membership (active, with its role) allows `action`: the matrix, for menus and checks."""
    return membership is not None and membership.is_active and membership.role in MATRIX[action]


def require(actor: Actor, action: Action, *, provider=None, fresh: bool = False):
    """Raise `PermissionDeniedError` (403 with a clear message) unless `actor` is a member whose role
    allows `action` (in `provider`, a Provider or its id, when given). `fresh=True` re-reads the
    membership under a row lock first, inside the caller's transaction and scope: a demotion or
    deactivation that has just committed counts. Returns the membership as checked."""
    membership = actor.membership if actor is not None and actor.kind == ActorKind.MEMBER else None
    if fresh and membership is not None:
        try:
            membership = relock(membership, "user", "provider")
        except type(membership).DoesNotExist:
            membership = None
    provider_id = getattr(provider, "pk", provider)
    if not can(membership, action) or (provider_id is not None and membership.provider_id != provider_id):
        raise PermissionDeniedError(MESSAGES.get(action))
    return membership
