import time

from django.core.management.base import BaseCommand

from providers.services.directory import listing_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the public directory's listing rows from the providers, their standing, markets, tracks and "
        "case studies (all providers, or those given), in one set-based statement."
    )

    def add_arguments(self, parser):
        parser.add_argument("provider_ids", nargs="*", type=int, help="only these providers (default: all)")

    def handle(self, *args, provider_ids, **options):
        started = time.monotonic()
        written = listing_refresh(provider_ids or None)
        self.stdout.write(f"directory: {written} listings refreshed in {time.monotonic() - started:.1f} s")
