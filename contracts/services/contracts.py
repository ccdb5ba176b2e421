"""Writes of the contracts domain's contracts area (filled by its issue work)."""
