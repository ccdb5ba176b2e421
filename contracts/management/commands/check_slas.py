import time

from django.core.management.base import BaseCommand

from contracts.services.deliverables import sla_check


class Command(BaseCommand):
    help = (
        "Record an SLA breach for every deliverable not submitted 24 hours after its due time and escalate "
        "contracts with 3 breaches within 30 days, set-based (what the periodic task does every 10 minutes). "
        "Exactly once per deliverable, however often it runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="deliverables per transaction")

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = sla_check(batch=max(options["batch"], 1))
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.breaches} breaches recorded, {result.escalations} contracts escalated "
                f"({result.batches} batches, {time.perf_counter() - started:.2f} s)"
            )
        )
