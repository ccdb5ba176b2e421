from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contracts.services.deliverables import monthly_deliverables_generate


def month_argument(value: str) -> date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError as error:  # not two numbers, or not a month
        raise CommandError(f"--month takes a month as YYYY-MM, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "Create a month's deliverables of the active full-operation contracts from their delivery standards "
        "(what the periodic task does on the 1st). Idempotent: a re-run creates nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the current month, Asia/Shanghai)")
        parser.add_argument("--contract", type=int, action="append", dest="contracts", help="only this contract")

    def handle(self, *args, **options):
        month = month_argument(options["month"]) if options["month"] else timezone.localdate().replace(day=1)
        created = monthly_deliverables_generate(month=month, contract_ids=options["contracts"])
        self.stdout.write(self.style.SUCCESS(f"{month:%Y-%m}: created {created} deliverables"))
