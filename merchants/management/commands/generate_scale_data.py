import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from merchants.scale import PRESETS, Generator, Sizes, analyze, has_scale_data


class Command(BaseCommand):
    help = (
        "Write a realistic, deterministic data set for benchmarks with PostgreSQL COPY: providers with their "
        "staff, cities, tracks and standing, merchants with their stores, leads and lead claims, and the tables "
        "of the apps' scale steps (contracts, deliverables, GMV records, ...) "
        "(preset `default`: SPEC §9's 10,000 providers, 1,000,000 stores, 300,000 leads; 2,000,000 contracts, "
        "5,000,000 deliverables, 10,000,000 GMV records)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(PRESETS), default="default", help="a preset of sizes")
        for name in Sizes.__dataclass_fields__:
            parser.add_argument(f"--{name}", type=int, help=f"number of {name} (overrides the preset)")
        parser.add_argument("--seed", type=int, default=2026, help="same seed and sizes, same rows")
        parser.add_argument("--yes-i-know", action="store_true", help="run although DEBUG is off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["yes_i_know"]:
            raise CommandError(
                "generate_scale_data writes hundreds of thousands of fake rows: refused while DEBUG is off "
                "(add --yes-i-know on a benchmark database)."
            )
        preset = PRESETS[options["scale"]]
        sizes = Sizes(
            **{
                name: getattr(preset, name) if options[name] is None else options[name]
                for name in preset.__dataclass_fields__
            }
        )
        if min(sizes.providers, sizes.merchants, sizes.stores, sizes.leads) < 1 or min(sizes.__dict__.values()) < 0:
            raise CommandError("every size must be at least 1 (contracts, deliverables and gmv at least 0).")
        if has_scale_data():
            raise CommandError(
                "this database already holds scale data: generate into a new database "
                "(e.g. `createdb`, `migrate`, `load_reference_data`)."
            )
        verbosity = options["verbosity"]
        generator = Generator(sizes, seed=options["seed"], progress=verbosity > 0, log=self.stdout.write)
        started = time.perf_counter()
        try:
            with transaction.atomic():
                generator.run()
                committing = time.perf_counter()
        except LookupError as error:
            raise CommandError(str(error)) from error
        # The foreign keys are DEFERRABLE INITIALLY DEFERRED: the database checks them all at COMMIT.
        generator.timings["COMMIT (foreign-key checks)"] = (0, time.perf_counter() - committing)
        self.refresh_listing(generator)
        analyzing = time.perf_counter()
        analyze()
        generator.timings["ANALYZE"] = (0, time.perf_counter() - analyzing)
        if verbosity:
            self.report(generator, time.perf_counter() - started)

    def refresh_listing(self, generator: Generator) -> None:
        """The directory's precomputed listing (`providers.services.directory`), when it is there."""
        try:
            from providers.services.directory import listing_refresh
        except ImportError:
            self.stdout.write("directory listing: skipped, providers.services.directory.listing_refresh is missing")
            return
        started = time.perf_counter()
        listing_refresh()
        generator.timings["directory listing_refresh"] = (0, time.perf_counter() - started)

    def report(self, generator: Generator, seconds: float) -> None:
        self.stdout.write(f"{'step':<28} {'rows':>10} {'seconds':>8}")
        for label, (rows, spent) in generator.timings.items():
            self.stdout.write(f"{label:<28} {f'{rows:,}' if rows else '':>10} {spent:>8.1f}")
        rest = seconds - sum(spent for _rows, spent in generator.timings.values())
        self.stdout.write(f"{'(making rows in Python)':<28} {'':>10} {rest:>8.1f}")
        self.stdout.write(self.style.SUCCESS(f"scale data written in {seconds:.0f} s (seed {generator.seed})"))
