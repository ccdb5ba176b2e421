from django.core.management.base import BaseCommand

from merchants.services.leads import leads_release_expired


class Command(BaseCommand):
    help = (
        "Return every lead claim whose protection period has ended to the public pool, set-based "
        "(what the periodic task release_expired_leads does every 10 minutes)."
    )

    def handle(self, *args, **options):
        released = leads_release_expired()
        self.stdout.write(self.style.SUCCESS(f"released {released} expired lead claims"))
