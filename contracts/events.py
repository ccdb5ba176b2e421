"""The domain events of the contracts app (`linke.events`): what other apps (and webhooks) may react to.
Each area of the app declares its events here."""

from linke.events import event_type

CONTRACT_PROPOSED = event_type(
    "contract.proposed",
    version=1,
    description="A provider proposed a contract (or a new version of one) to a merchant.",
    fields={
        "contract_id": "the contract",
        "merchant_id": "the merchant",
        "kind": "specialized or full_operation",
        "version": "the version proposed",
        "store_ids": "the stores it covers",
    },
)
CONTRACT_SIGNED = event_type(
    "contract.signed",
    version=1,
    description="The merchant signed a contract; `fingerprint` is the SHA-256 of the terms as signed.",
    fields={
        "contract_id": "the contract",
        "merchant_id": "the merchant",
        "kind": "specialized or full_operation",
        "fingerprint": "SHA-256 of the signed terms",
        "store_ids": "the stores it covers",
    },
)
CONTRACT_ACTIVATED = event_type(
    "contract.activated",
    version=1,
    description="A signed contract started (its start date came).",
    fields={"contract_id": "the contract", "merchant_id": "the merchant", "start_date": "ISO date"},
)
CONTRACT_ENDED = event_type(
    "contract.ended",
    version=1,
    description="A contract ended: rejected, cancelled, completed, expired or terminated.",
    fields={
        "contract_id": "the contract",
        "merchant_id": "the merchant",
        "status": "the final status",
        "ended_by": "provider, merchant or platform",
        "reason": "why (may be empty)",
        "return_to_pool": "whether the merchant agreed its stores return to the lead pool",
    },
)

# --- reviews -------------------------------------------------------------------------------------------
REVIEW_CREATED = event_type(
    "review.created",
    version=1,
    description="A merchant reviewed a contract (1–5 stars on three points, plus text).",
    fields={
        "review_id": "the review",
        "contract_id": "the contract",
        "merchant_id": "the merchant",
        "professionalism": "stars, 1–5",
        "communication": "stars, 1–5",
        "results": "stars, 1–5",
    },
)
REVIEW_REPLIED = event_type(
    "review.replied",
    version=1,
    description="The provider replied to a merchant's review (once).",
    fields={"review_id": "the review", "contract_id": "the contract", "merchant_id": "the merchant"},
)

# --- rfqs (需求发布) -----------------------------------------------------------------------------
RFQ_POSTED = event_type(
    "rfq.posted",
    version=1,
    description="A merchant posted a need (requests for proposals): one event per provider eligible to answer it "
    "when it was posted (serving its city and track, in good standing, certified where full operation needs it).",
    fields={
        "rfq_id": "the need",
        "merchant_id": "the merchant",
        "track_id": "its track",
        "city_id": "its service city",
        "mode": "specialized or full_operation",
        "deadline": "ISO datetime: proposals until",
    },
)
PROPOSAL_SUBMITTED = event_type(
    "proposal.submitted",
    version=1,
    description="A provider submitted its proposal for a posted need.",
    fields={
        "proposal_id": "the proposal",
        "rfq_id": "the need",
        "merchant_id": "the merchant",
        "price": "CNY, a decimal string (for full operation: the monthly fee)",
        "timeline_days": "days of work (for full operation: the term)",
    },
)
PROPOSAL_ACCEPTED = event_type(
    "proposal.accepted",
    version=1,
    description="The merchant accepted a provider's proposal: the need is awarded, the other proposals closed, "
    "and the proposal became a contract proposal awaiting the merchant's signature.",
    fields={
        "proposal_id": "the proposal",
        "rfq_id": "the need",
        "merchant_id": "the merchant",
        "contract_id": "the contract proposal made from it",
    },
)

# --- money (statements) ----------------------------------------------------------------------------
_STATEMENT_FIELDS = {
    "statement_id": "the statement",
    "contract_id": "the contract",
    "merchant_id": "the merchant",
    "period": "the month, YYYY-MM",
    "total": "the amount due, CNY, a decimal string",
}
STATEMENT_ISSUED = event_type(
    "statement.issued",
    version=1,
    description="A monthly settlement statement of a full-operation contract was issued (or reissued, recomputed, "
    "after a dispute); `is_final` marks the one of the contract's last month, after it ended.",
    fields=_STATEMENT_FIELDS
    | {"is_final": "whether it is the contract's final statement", "reissued": "true after a dispute"},
)
STATEMENT_CONFIRMED = event_type(
    "statement.confirmed",
    version=1,
    description="The merchant confirmed a statement.",
    fields=_STATEMENT_FIELDS,
)
STATEMENT_DISPUTED = event_type(
    "statement.disputed",
    version=1,
    description="The merchant disputed a statement, with a reason; the provider reissues it.",
    fields=_STATEMENT_FIELDS | {"reason": "the merchant's reason"},
)
STATEMENT_PAID = event_type(
    "statement.paid",
    version=1,
    description="The provider marked a confirmed statement paid.",
    fields=_STATEMENT_FIELDS,
)

# --- deliverables (contracts.services.deliverables) ------------------------------------------------
DELIVERABLE_SUBMITTED = event_type(
    "deliverable.submitted",
    version=1,
    description="The provider submitted a deliverable's evidence (first time or after a rejection).",
    fields={
        "deliverable_id": "the deliverable",
        "contract_id": "its contract",
        "merchant_id": "the merchant who accepts it",
        "resubmission": "whether it had been rejected before",
    },
)
DELIVERABLE_ACCEPTED = event_type(
    "deliverable.accepted",
    version=1,
    description="A deliverable was accepted: by the merchant, or automatically 72 hours after its submission.",
    fields={
        "deliverable_id": "the deliverable",
        "contract_id": "its contract",
        "merchant_id": "the merchant",
        "automatic": "whether nobody answered within 72 hours",
    },
)
DELIVERABLE_REJECTED = event_type(
    "deliverable.rejected",
    version=1,
    description="The merchant rejected a deliverable with a reason; the provider submits it again.",
    fields={
        "deliverable_id": "the deliverable",
        "contract_id": "its contract",
        "merchant_id": "the merchant",
        "reason": "why",
    },
)
SLA_BREACH_RECORDED = event_type(
    "sla.breach_recorded",
    version=1,
    description="A deliverable was not submitted 24 hours after its due time: its one SLA breach was recorded.",
    fields={
        "breach_id": "the breach",
        "deliverable_id": "the deliverable",
        "contract_id": "its contract",
        "merchant_id": "the merchant",
        "due_at": "when it was due (ISO 8601)",
    },
)
SLA_ESCALATED = event_type(
    "sla.escalated",
    version=1,
    description=(
        "A contract had 3 or more SLA breaches recorded within 30 days that no earlier escalation counted: "
        "compliance opens a case. Each breach counts towards one escalation only."
    ),
    fields={"contract_id": "the contract", "merchant_id": "the merchant", "breach_ids": "the breaches escalated"},
)
