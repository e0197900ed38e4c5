"""Secret tokens for links: random, shown once, stored only as their sha256."""

import hashlib
import secrets
from datetime import timedelta

# 32 random bytes: unguessable; URL-safe so a link can be typed from a printed QR poster too.
TOKEN_BYTES = 32
# A one-time invite is handed over in person or by message: a week is enough to open it.
INVITE_LIFETIME = timedelta(days=7)
# The wall poster's "join as member" link stays up for months; co-managers can revoke it.
POSTER_LIFETIME = timedelta(days=365)
# A personal sign-in link is what members keep instead of a password.
SIGN_IN_LIFETIME = timedelta(days=365)
# A browser stays signed in this long after opening a sign-in link.
SESSION_LIFETIME = timedelta(days=30)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The form a token is stored in: a leaked database file signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()
