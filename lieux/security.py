"""Request-wide defences: the security headers of every answer and each request's compute budget.

Both wrap the whole app (lieux/app.py): the headers as a `before_send` hook, which Litestar runs
on every message it sends (404s of unknown paths, static files and error pages included); the
budget as an app-level middleware, which runs once the route is known. docs/security.md says
what each header is for.
"""

import base64
import hashlib
from pathlib import Path

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from lieux import budget
from lieux.calendar.fetch import FETCH_TIMEOUT
from lieux.db.connection import BUSY_TIMEOUT_MS

TEMPLATES = Path(__file__).parent / "templates"

# What other sites load: the iframe pages and their static files, the loader, the fragments.
# They stay frameable and loadable from anywhere (their CORS is lieux/embed/cors.py); the
# configurator at /embed itself is one of our pages.
EMBED_PREFIXES = ("/embed/", "/widget/")
EMBED_FILES = ("/embed.js",)

# The printable guide and poster keep their CSS inline so that `lieux guide --pdf` and
# `lieux poster --pdf` print them from a file; the CSP allows exactly those style blocks.
INLINE_STYLES = ("guide/print.css", "poster/print.css")


def _style_hash(name: str) -> str:
    # Jinja drops the file's one trailing newline when it includes it (keep_trailing_newline).
    text = (TEMPLATES / name).read_text("utf-8").removesuffix("\n")
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


# Our pages run only our own files: no inline script, no inline style but the two print sheets,
# no eval (htmx needs it only for trigger filters and hx-on, which we do not use), no plugin,
# and no other site may frame them (clickjacking of /manage and /admin).
SITE_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' " + " ".join(_style_hash(name) for name in INLINE_STYLES),
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The embeds' HTML (fragments opened on their own, error pages): the same, minus our forms,
# and any site may frame them. The iframe pages send the same policy themselves.
EMBED_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'"
)
# The full address of a page never leaves the site (it may hold a lieu's management path or
# a search); an embed tells the site it links to where it was shown, not which page.
SITE_REFERRER = b"same-origin"
EMBED_REFERRER = b"strict-origin-when-cross-origin"

NOSNIFF = (b"x-content-type-options", b"nosniff")
# What each kind of answer gets, by (is an embed, is HTML): worked out once, not per response.
ADDED = {
    (True, False): (NOSNIFF, (b"referrer-policy", EMBED_REFERRER)),
    (True, True): (
        NOSNIFF,
        (b"referrer-policy", EMBED_REFERRER),
        (b"content-security-policy", EMBED_CSP.encode()),
    ),
    (False, False): (NOSNIFF, (b"referrer-policy", SITE_REFERRER)),
    (False, True): (
        NOSNIFF,
        (b"referrer-policy", SITE_REFERRER),
        (b"content-security-policy", SITE_CSP.encode()),
        (b"x-frame-options", b"DENY"),  # for browsers older than frame-ancestors
    ),
}


def is_embed(path: str) -> bool:
    return path.startswith(EMBED_PREFIXES) or path in EMBED_FILES


async def security_headers(message: Message, scope: Scope) -> None:
    """Litestar `before_send` hook: the headers above on every response that lacks them (a
    handler that sets its own CSP, like the iframe pages, keeps it)."""
    if message["type"] != "http.response.start":
        return
    headers = list(message.get("headers") or ())
    present = set()
    html = False
    for name, value in headers:
        name = name.lower()
        present.add(name)
        if name == b"content-type":
            html = value.startswith(b"text/html")
    added = ADDED[is_embed(scope["path"]), html]
    message["headers"] = headers + [header for header in added if header[0] not in present]


# A write may first wait for a linked calendar's server (the import's whole fetch deadline)
# and for the write lock (SQLite's busy timeout) before it does its own work.
WRITE_BUDGET_S = FETCH_TIMEOUT + BUSY_TIMEOUT_MS / 1000 + budget.BUDGET_S
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def budget_of(scope: Scope) -> float:
    """The route's own budget (`opt={"budget_s": ...}` on a handler), else by method."""
    handler = scope.get("route_handler")
    own = handler.opt.get("budget_s") if handler is not None else None
    if own is not None:
        return float(own)
    return budget.BUDGET_S if scope["method"] in SAFE_METHODS else WRITE_BUDGET_S


def request_budget(app: ASGIApp) -> ASGIApp:
    """Middleware: each request runs with its deadline set (lieux/budget.py)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        with budget.limit(budget_of(scope)):
            await app(scope, receive, send)

    return middleware
