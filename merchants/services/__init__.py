"""Every write of the merchants domain, one module per area: `centre` (merchant profile and stores), `requests`
(cooperation requests), `leads` (claims, releases, disputes, visits), `imports` (lead files), `accounts` (跟进人)."""
