"""Scale data for benchmarks and load tests (`manage.py generate_scale_data`): see `generator`."""

from .generator import EMAIL_DOMAIN, PRESETS, Generator, Sizes, analyze, has_scale_data

__all__ = ["EMAIL_DOMAIN", "PRESETS", "Generator", "Sizes", "analyze", "has_scale_data"]
