from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from linke.demo import PASSWORD, Demo
from linke.tenancy import all_providers


def demo_seeders():
    """The `demo` modules of the project's own apps, in the order of INSTALLED_APPS (the layers)."""
    for app_config in apps.get_app_configs():
        if app_config.path.startswith(str(settings.BASE_DIR)) and module_has_submodule(app_config.module, "demo"):
            yield import_module(f"{app_config.name}.demo")


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
            for seeder in demo_seeders():
                seeder.seed(demo)
        self.stdout.write(self.style.SUCCESS(f"demo data ready: {len(demo.users)} logins, password {PASSWORD}"))
        for email in demo.users:
            self.stdout.write(f"  {email}")
        for note in demo.notes:
            self.stdout.write(note)
