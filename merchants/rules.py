"""Pure rules of the merchants domain (no database): natural keys, protection periods, limits."""

import unicodedata
from datetime import timedelta

# A verified visit or a contract proposal extends a claim's protection once, by this much (SPEC §4).
EXTENSION = timedelta(days=15)
# After a claim ran out without a contract, the same provider may not claim that lead again for this long.
RECLAIM_BLOCK = timedelta(days=30)
# Cooperation requests a merchant may send per calendar day (Asia/Shanghai).
REQUESTS_PER_DAY = 20


def address_key(address: str) -> str:
    """The store address as the natural key compares it: NFKC (full-width digits and brackets folded),
    lower case, without whitespace or punctuation, so "鼓楼区 五四路８８号" and "鼓楼区五四路88号" are one store."""
    text = unicodedata.normalize("NFKC", address or "").lower()
    return "".join(char for char in text if unicodedata.category(char)[0] in "LN")
