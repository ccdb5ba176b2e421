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
