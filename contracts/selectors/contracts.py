"""Reads of the contracts domain's contracts area."""
