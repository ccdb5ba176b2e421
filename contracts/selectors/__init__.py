"""Every non-trivial read of the contracts domain, one module per area (as `services`)."""
