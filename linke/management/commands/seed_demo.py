from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from linke.apps import project_modules
from linke.demo import PASSWORD, Demo
from linke.tenancy import all_providers


class Command(BaseCommand):
    help = (
        "Create the demo logins and data of SPEC §10, app by app in the order of the layers "
        "(idempotent; development only)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a published password: refused while DEBUG is off.")
        demo = Demo()
        with transaction.atomic(), all_providers():
            for seeder in project_modules("demo"):  # in the order of the layers
                seeder.seed(demo)
        self.stdout.write(self.style.SUCCESS(f"demo data ready: {len(demo.users)} logins, password {PASSWORD}"))
        for email in demo.users:
            self.stdout.write(f"  {email}")
        for note in demo.notes:
            self.stdout.write(note)
