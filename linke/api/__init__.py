"""The API's generic pieces: the channel skeleton (`channels`), parsers with the edge guard (`parsers`), the
schema generator (`schema`), fields and the user's own endpoints (notifications)."""
