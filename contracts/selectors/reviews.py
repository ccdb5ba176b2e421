"""Reads of the contracts domain's reviews area."""
