"""Writes of the contracts domain's deliverables area (filled by its issue work)."""
