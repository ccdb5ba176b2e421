"""The tables of higher layers in the scale data set (contracts, ...).

The merchants app cannot import them (the layers of CONVENTIONS §1), so an app with tables to add has a
`scale` module (or package) that registers a step, as an app's `admin` module registers its models:

    register_step("contracts", write_contracts, models=[Contract, ContractStore, ...])

`generate_scale_data` imports every installed app's `scale` module (`discover_steps`, nothing at start-up:
the generator's imports are not light), numbers the steps' tables from their current maximum id with the
merchants' own (`Generator.ids`), runs the steps in the order they registered after the merchants' tables
are written, in the same transaction, then moves the tables' sequences past the written ids and analyses
them. A step is called as `write(generator, cursor)`: `generator` has the sizes, the seed's random streams
(`rng(name)`), the rows it planned (`providers`, `kinds`, `now`), COPY with progress bars and timings
(`copy`, `copy_numbered`, `timings`); `cursor` is psycopg's own cursor on Django's connection."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Step:
    name: str
    write: Callable  # write(generator, cursor) -> None
    models: tuple  # the tables it writes, each numbered from its current maximum id


STEPS: dict[str, Step] = {}


def register_step(name: str, write: Callable, *, models: Iterable = ()) -> None:
    """Add (or, under the same name, replace) a step of `generate_scale_data`."""
    STEPS[name] = Step(name, write, tuple(models))


def discover_steps() -> list[Step]:
    """The registered steps, after importing every installed app's `scale` module, in registration order."""
    autodiscover_modules("scale")
    return list(STEPS.values())
