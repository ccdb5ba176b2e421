"""The domain events of the providers app (`linke.events`): what other apps may react to."""

from linke.events import event_type

APPLICATION_APPROVED = event_type(
    "application.approved",
    version=1,
    description="An operator approved an application: the provider exists, with the applicant as its owner.",
    fields={
        "application_id": "the approved application",
        "applicant_id": "the user who applied, now the owner",
        "owner_membership_id": "the owner's membership",
    },
)
APPLICATION_REJECTED = event_type(
    "application.rejected",
    version=1,
    description="An operator rejected an application (no provider: the event has none). The applicant may apply again.",
    fields={"application_id": "the rejected application", "applicant_id": "the user who applied", "reason": "why"},
)
MEMBER_JOINED = event_type(
    "member.joined",
    version=1,
    description="Someone became an active member of the provider.",
    fields={
        "membership_id": "the membership",
        "user_id": "the member's user",
        "role": "owner, admin, bd, operator or viewer",
        "via": "application (the owner of a new provider), invitation or reactivation",
    },
)
MEMBER_LEFT = event_type(
    "member.left",
    version=1,
    description="A member was deactivated: their codes are revoked; whatever they were assigned needs a new owner.",
    fields={"membership_id": "the membership", "user_id": "the member's user", "role": "their role", "reason": "why"},
)
MEMBER_ROLE_CHANGED = event_type(
    "member.role_changed",
    version=1,
    description="A member's role changed (a transfer of ownership changes two roles: two events).",
    fields={
        "membership_id": "the membership",
        "user_id": "the member's user",
        "role_before": "the role they had",
        "role": "the role they have now",
    },
)
PROVIDER_SUSPENDED = event_type(
    "provider.suspended",
    version=1,
    description="An operator suspended the provider: no new contracts or leads; its codes answer suspended.",
    fields={"status_before": "active", "reason": "why, as the provider was told"},
)
PROVIDER_REINSTATED = event_type(
    "provider.reinstated",
    version=1,
    description="An operator lifted the provider's suspension.",
    fields={"status_before": "suspended", "reason": "why, as the provider was told"},
)
PROVIDER_TERMINATED = event_type(
    "provider.terminated",
    version=1,
    description="The provider was terminated for good; its credit code is free again.",
    fields={"status_before": "active or suspended", "reason": "why, as the provider was told"},
)
VERIFICATION_SUCCEEDED = event_type(
    "verification.succeeded",
    version=1,
    description="Someone checked a staff member's 身份验真码 on /verify/ and it was valid (one event per "
    "recorded verification): evidence of a visit, which the merchants app records when the viewer is a merchant.",
    fields={
        "verification_event_id": "the recorded verification (providers.VerificationEvent)",
        "membership_id": "the staff member whose code it was",
        "viewer_user_id": "the signed-in user who checked it (null when anonymous)",
    },
)
