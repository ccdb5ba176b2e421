"""What the contracts app does when something happens (`linke.events`). Each area keeps its subscribers in
its own section."""

from linke.events import subscriber

from .events import CONTRACT_ENDED, STATEMENT_ISSUED
from .models import Contract, Statement


# --- money: statements ------------------------------------------------------------------------------
@subscriber(CONTRACT_ENDED, name="contracts.issue_final_statement")
def issue_final_statement(event) -> None:
    """A full-operation contract ended (completed, terminated, expired): its final statement, pro rata to the
    end date (`statement_issue_final`; nothing for the other kinds and endings)."""
    from .services.money import statement_issue_final

    contract = Contract.objects.filter(pk=event.payload["contract_id"]).first()
    if contract is not None:
        statement_issue_final(contract=contract)


@subscriber(STATEMENT_ISSUED, name="contracts.notify_statement_issued")
def notify_statement_issued(event) -> None:
    """Tell the merchant a statement (issued on demand, by the monthly run or at the end) awaits it."""
    from .services.money import statement_notify_issued

    statement = (
        Statement.objects.filter(pk=event.payload["statement_id"])
        .select_related("contract", "provider", "merchant__owner")
        .first()
    )
    if statement is not None:
        statement_notify_issued(statement)
