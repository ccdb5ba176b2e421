from django.core.management.base import BaseCommand

from linke.events import catalogue_markdown


class Command(BaseCommand):
    help = "Print the catalogue of domain events (every type, its payload version and fields) as Markdown."

    def handle(self, *args, **options):
        self.stdout.write(catalogue_markdown())
