"""Every write of the providers app. One module per area; names are importable from here."""
