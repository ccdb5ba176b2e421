"""Demo data of the contracts app (see `linke.demo`)."""


def seed(demo) -> None:
    """Filled by the demo work of the contracts issue."""
