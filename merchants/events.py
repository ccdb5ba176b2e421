"""The domain events of the merchants app (`linke.events`): what other apps (and webhooks) may react to."""

from linke.events import event_type

REQUEST_RECEIVED = event_type(
    "request.received",
    version=1,
    description="A merchant sent the provider a cooperation request (合作意向).",
    fields={
        "request_id": "the request",
        "merchant_id": "the merchant who sent it",
        "mode": "specialized or full_operation",
        "store_ids": "the stores it names",
    },
)
REQUEST_ANSWERED = event_type(
    "request.answered",
    version=1,
    description=(
        "The provider answered a cooperation request: with a contract proposal (`answer` = proposal, no reason) "
        "or declined with a reason."
    ),
    fields={
        "request_id": "the request",
        "merchant_id": "the merchant",
        "answer": "proposal or declined",
        "reason": "why it was declined (empty for a proposal)",
    },
)
LEAD_CLAIMED = event_type(
    "lead.claimed",
    version=1,
    description="A member claimed (报备) a lead: it is in the provider's private pool until `expires_at`.",
    fields={
        "claim_id": "the claim",
        "lead_id": "the lead",
        "membership_id": "who claimed it",
        "expires_at": "end of the protection period (ISO 8601)",
    },
)
LEAD_EXTENDED = event_type(
    "lead.extended",
    version=1,
    description="A claim's protection was extended (once) by 15 days, after a verified visit or a proposal.",
    fields={
        "claim_id": "the claim",
        "lead_id": "the lead",
        "reason": "visit or proposal",
        "expires_at": "the new end of the protection period (ISO 8601)",
    },
)
LEAD_RELEASED = event_type(
    "lead.released",
    version=1,
    description="A claim ended without a contract: the lead is back in the public pool (or left it, opted out).",
    fields={
        "claim_id": "the claim",
        "lead_id": "the lead",
        "why": "expired (the provider may not claim it again for 30 days), opted_out or reassigned",
    },
)
LEAD_CONVERTED = event_type(
    "lead.converted",
    version=1,
    description="A contract was signed with the lead's merchant: the claim ends as converted.",
    fields={"claim_id": "the claim", "lead_id": "the lead"},
)
ACCOUNT_OWNER_CHANGED = event_type(
    "account_owner.changed",
    version=1,
    description="The member looking after a merchant (跟进人) changed, or the provider stopped looking after it.",
    fields={
        "lead_id": "the merchant's lead",
        "membership_id": "the new account owner (null when the provider no longer looks after it)",
        "previous_membership_id": "the previous account owner (null for the first)",
        "why": "claimed, request, proposal, reassigned, member_left or released",
    },
)
