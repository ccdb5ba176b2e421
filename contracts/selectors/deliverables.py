"""Reads of the contracts domain's deliverables area."""
