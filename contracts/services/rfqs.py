"""Writes of the contracts domain's rfqs area (filled by its issue work)."""
