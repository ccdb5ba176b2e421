"""Reads of the contracts domain's money area."""


def contract_detail_context(*, contract, side: str) -> dict:
    """What this area adds to a contract's detail page (`side`: "provider" or "merchant"), rendered by
    templates/contracts/money/_contract_panel.html."""
    return {}
