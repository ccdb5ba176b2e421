"""Writes of the contracts domain's money area (filled by its issue work)."""
