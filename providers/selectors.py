"""Every non-trivial read of the providers app, for views, the API, the admin and services alike."""

from django.utils import timezone

from linke.audit import action_label
from linke.models import AuditEvent
from linke.tenancy import all_providers

from .choices import ProviderStatus, VerificationOutcome
from .models import Invitation, Membership, ProviderApplication, VerificationCode
from .permissions import Action, can
from .rules import VALID, code_is_well_formed, code_normalize, token_hash
from .tenancy import provider_scope


def membership_list(*, user) -> list[Membership]:
    """The active memberships of a user in providers that are not terminated, by provider name.
    Cross-tenant by design: this is how a channel learns which providers the user may act for."""
    if not user.is_authenticated:
        return []
    with all_providers():
        return list(
            Membership.objects.active()
            .filter(user=user)
            .exclude(provider__status=ProviderStatus.TERMINATED)
            .select_related("provider", "user")  # the actor names the user: no second read of it
            .order_by("provider__name")
        )


# --- 入驻申请 ------------------------------------------------------------------------------------
def application_get_open(*, user) -> ProviderApplication | None:
    """The user's application in progress (draft, submitted, changes requested), if any."""
    return ProviderApplication.objects.open().filter(applicant=user).first()


def application_list(*, user) -> list[ProviderApplication]:
    """The user's applications, newest first."""
    return list(
        ProviderApplication.objects.filter(applicant=user).select_related("provider").order_by("-created_at", "-pk")
    )


def application_timeline(*, application: ProviderApplication) -> list[dict]:
    """What happened to an application, oldest first, as the applicant and the operators read it:
    `at`, `label`, `reason`, `actor` (a user or None) and `by_operator`."""
    events = (
        AuditEvent.objects.filter(object_type=ProviderApplication._meta.label_lower, object_id=str(application.pk))
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    return [
        {
            "at": event.created_at,
            "label": action_label(event.action),
            "reason": event.reason,
            "actor": event.actor,
            "by_operator": event.actor_id is not None and event.actor_id != application.applicant_id,
        }
        for event in events
    ]


# --- Team ---------------------------------------------------------------------------------------
def invitation_get_by_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to. Across providers: the invitee is not (yet) in the
    provider's tenant, the token itself is the authorisation."""
    with all_providers():
        return Invitation.objects.select_related("provider", "invited_by").filter(token_hash=token_hash(token)).first()


def invitation_list_outstanding():
    """The current provider's invitations neither accepted nor withdrawn, newest first."""
    return Invitation.objects.outstanding().select_related("invited_by").order_by("-created_at", "-pk")


# --- 身份验真码 ------------------------------------------------------------------------------------
def verification_code_get_live(*, membership: Membership) -> VerificationCode | None:
    """The member's code that still verifies (not revoked, not expired), if any."""
    with provider_scope(membership.provider_id):
        return VerificationCode.objects.live().filter(membership=membership).first()


def verification_event_list(queryset, *, membership: Membership):
    """Who verified whom: owner/admin see every event of the provider, others those of their own codes."""
    queryset = queryset.select_related("membership__user", "code").order_by("-created_at", "-pk")
    if can(membership, Action.VIEW_ALL_VERIFICATIONS):
        return queryset
    return queryset.filter(membership=membership)


def verification_check(raw_code: str) -> tuple[str, VerificationCode | None]:
    """The outcome of a code as of now (`VALID` or a `VerificationOutcome`), and its row if it exists.
    Provider and member state are read at lookup time, so a suspension or deactivation takes effect on
    codes already shown. Across providers: the public check has no tenant."""
    code = code_normalize(raw_code)
    if not code_is_well_formed(code):
        return VerificationOutcome.UNKNOWN, None
    with all_providers():
        found = VerificationCode.objects.select_related("provider", "membership__user").filter(code=code).first()
    if found is None:
        return VerificationOutcome.UNKNOWN, None
    if found.provider.status == ProviderStatus.SUSPENDED:
        return VerificationOutcome.SUSPENDED, found
    member_in_good_standing = (
        can(found.membership, Action.USE_VERIFICATION_CODE)  # deactivated or moved to another role since?
        and found.membership.user.is_active
        and found.provider.status == ProviderStatus.ACTIVE
    )
    if not member_in_good_standing:
        return VerificationOutcome.REVOKED, found
    if found.revoked_at is not None:
        # Still on the team: revoked because they made a newer code, or by hand (an investigation).
        with all_providers():
            replaced = VerificationCode.objects.filter(
                membership=found.membership, created_at__gt=found.created_at
            ).exists()
        return (VerificationOutcome.REPLACED if replaced else VerificationOutcome.REVOKED), found
    if found.expires_at <= timezone.now():
        return VerificationOutcome.EXPIRED, found
    return VALID, found
