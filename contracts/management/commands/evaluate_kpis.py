from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from contracts.services.deliverables import kpis_evaluate

from .generate_deliverables import month_argument


class Command(BaseCommand):
    help = (
        "Evaluate a month's KPIs of the full-operation contracts against the actual figures (what the periodic "
        "task does on the 1st for the previous month). Re-running replaces the month's figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the previous month, Asia/Shanghai)")
        parser.add_argument("--contract", type=int, action="append", dest="contracts", help="only this contract")

    def handle(self, *args, **options):
        if options["month"]:
            month = month_argument(options["month"])
        else:
            month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
        written = kpis_evaluate(month=month, contract_ids=options["contracts"])
        self.stdout.write(self.style.SUCCESS(f"{month:%Y-%m}: {written} KPI results written"))
