"""Every non-trivial read of the merchants domain, one module per area (as `merchants.services`)."""
