from datetime import date

from django.core.management.base import BaseCommand, CommandError

from contracts.services.contracts import contracts_activate_due, contracts_end_due


class Command(BaseCommand):
    help = (
        "Start the signed contracts whose start date has come and end the active ones whose end date has "
        "passed (completed, expired or terminated), set-based: what the periodic tasks do after midnight and "
        "hourly. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run for (YYYY-MM-DD; default: today in China)")

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date: {error}") from error
        started = contracts_activate_due(today=day)
        ended = contracts_end_due(today=day)
        self.stdout.write(self.style.SUCCESS(f"{started} contracts started, {ended} contracts ended"))
