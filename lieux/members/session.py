"""Sessions, CSRF and rate limits for the members' area, and the signed-in identity.

The session cookie is encrypted by Litestar and holds one random id; its hash is a row in
`member_sessions`, so signing out or revoking a sign-in link ends it server-side. The public,
embeddable and machine URLs are excluded from sessions and CSRF so they never set a cookie.
"""

import hashlib
from datetime import datetime

from litestar import Request
from litestar.config.csrf import CSRFConfig
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.middleware.session.client_side import CookieBackendConfig
from sqlite_utils import Database

from lieux.db import members as members_db
from lieux.members.models import Identity
from lieux.members.tokens import SESSION_LIFETIME, hash_token, new_token
from lieux.settings import Settings

SESSION_KEY = "sid"
# Embeds, feeds, the JSON API and static files are fetched by third-party pages and calendar
# apps: they must set no cookie. The public pages neither: reading them needs no account and
# leaves no trace. Anchored: the patterns are searched anywhere in the path. A path listed here
# also loses CSRF protection, so no write route may match (tests/members/test_cookies.py).
COOKIELESS_PATHS = [
    "^/widget",
    "^/embed",
    "^/ical",
    "^/api/",
    "^/healthz",
    "^/readyz",
    "^/metrics",
    "^/static/",
    "^/schema",
    "^/$",
    # but a lieu's report form (POST /lieux/{slug}/report), which needs its CSRF cookie
    "^/lieux(?!/[^/]+/report/?$)",
    "^/agenda",
    "^/guide",
    "^/langue/",  # sets only the language cookie it exists for
]
# Signing in and proposing are the two things a stranger could hammer.
SIGN_IN_RATE = RateLimitConfig(rate_limit=("minute", 10), store="rate_limit_sign_in")
PROPOSAL_RATE = RateLimitConfig(rate_limit=("hour", 20), store="rate_limit_proposals")


def session_config(settings: Settings) -> CookieBackendConfig:
    return CookieBackendConfig(
        # AES-GCM wants exactly 32 bytes; the setting is any long random string.
        secret=hashlib.sha256(f"session:{settings.secret}".encode()).digest(),
        key="lieux_session",
        max_age=int(SESSION_LIFETIME.total_seconds()),
        secure=settings.base_url.startswith("https://"),
        httponly=True,
        samesite="lax",
        exclude=COOKIELESS_PATHS,
    )


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=hashlib.sha256(f"csrf:{settings.secret}".encode()).hexdigest(),
        cookie_secure=settings.base_url.startswith("https://"),
        cookie_samesite="lax",
        exclude=COOKIELESS_PATHS,
    )


def provide_identity(request: Request, db: Database, now: datetime) -> Identity | None:
    """The signed-in member and their roles, or None (a session that ended by `now` is none)."""
    sid = request.session.get(SESSION_KEY) if request.session else None
    if not isinstance(sid, str):
        return None
    member_id = members_db.session_member(db, hash_token(sid), now=now)
    return None if member_id is None else members_db.identity(db, member_id)


def start_session(
    request: Request, db: Database, member_id: int, *, sign_in_hash: str | None, now: datetime
) -> None:
    """Sign this browser in as `member_id` (a fresh id: no fixation of an earlier one)."""
    end_session(request, db)
    sid = new_token()
    members_db.create_session(
        db,
        hash_token(sid),
        member_id,
        now=now,
        expires_at=now + SESSION_LIFETIME,
        sign_in_hash=sign_in_hash,
    )
    request.set_session({SESSION_KEY: sid})


def end_session(request: Request, db: Database) -> None:
    sid = request.session.get(SESSION_KEY) if request.session else None
    if isinstance(sid, str):
        members_db.delete_session(db, hash_token(sid))
    request.clear_session()
