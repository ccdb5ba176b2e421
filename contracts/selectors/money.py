"""Reads of the contracts domain's money area."""
