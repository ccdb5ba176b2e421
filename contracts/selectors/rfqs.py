"""Reads of the contracts domain's rfqs area."""
