import time

from django.core.management.base import BaseCommand
from django.db import transaction

from reference.loader import load_categories, load_regions, load_service_cities, load_tracks, read_divisions


class Command(BaseCommand):
    help = (
        "Load the administrative regions (levels 1–3), service cities, categories and tracks from the "
        "bundled reference data. Idempotent: a second run writes nothing; operators' changes to "
        "is_active are kept and nothing is deleted."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        progress = self.stdout.write if options["verbosity"] >= 1 else (lambda message: None)
        metadata, _divisions = read_divisions()
        progress(f"divisions: MCA data as of {metadata['data_as_of']} ({metadata['source_table']})")
        with transaction.atomic():
            load_regions(progress=progress)
            load_service_cities(progress=progress)
            load_categories(progress=progress)
            load_tracks(progress=progress)
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"reference data loaded in {time.monotonic() - started:.2f}s"))
