"""The merchant app's pages: `base` (the merchant channel), `centre` (the merchant's own pages), `requests`
(cooperation requests, both sides), `leads` (the lead pool in the provider portal), `accounts` (跟进人)."""
