"""Pages of the contracts domain, one module per area (as `services`); each lists its own URL patterns."""
