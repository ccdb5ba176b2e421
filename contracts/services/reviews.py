"""Writes of the contracts domain's reviews area (filled by its issue work)."""
