"""Keyed pseudonyms: the one way Tideline turns a shopper's identifier into something it may store.

`keyed_digest(text, n)` is HMAC-SHA256 under settings.TIDELINE_PSEUDONYM_KEY (its own setting, never
derived from the secret key, so rotating the secret key does not change every pseudonym), as hex,
first `n` characters. Buyer pseudonyms, conversation ids that Tideline derives from a buyer nick
(Taobao exports without ids, Qianniu copies) and ids that held PII all go through it: an unkeyed hash
of a nick can be reversed by hashing candidate nicks.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def keyed_digest(text: str, length: int) -> str:
    """HMAC-SHA256(TIDELINE_PSEUDONYM_KEY, text) as hex, first `length` characters."""
    key = str(settings.TIDELINE_PSEUDONYM_KEY).encode("utf-8")
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:length]
