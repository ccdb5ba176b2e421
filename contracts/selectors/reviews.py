"""Reads of the contracts domain's reviews area."""


def contract_detail_context(*, contract, side: str) -> dict:
    """What this area adds to a contract's detail page (`side`: "provider" or "merchant"), rendered by
    templates/contracts/reviews/_contract_panel.html."""
    return {}
