"""CORS for the embeddable paths only: any site may GET them, without credentials.

Litestar's CORSConfig applies to the whole app and its middleware replaces the `Vary` header of
every response; our pages and forms have no reason to be readable from other origins.
This small ASGI middleware adds the headers on the embeddable paths and answers their
preflights, and leaves every other path untouched.
"""

from litestar.types import ASGIApp, Message, Receive, Scope, Send

# The paths other sites load: the fragment, embed.js, the iframe page and static files, feeds,
# and the read-only JSON API with its OpenAPI document.
CORS_PREFIXES = ("/widget/", "/embed", "/ical/", "/api/", "/schema")
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# The request headers htmx 2 and htmx 4 send; a preflight asking for anything else is refused,
# so a host page's own hx-headers (a CSRF token...) never reach us.
ALLOWED_HEADERS = (
    "hx-request",
    "hx-current-url",
    "hx-target",
    "hx-trigger",
    "hx-trigger-name",
    "hx-boosted",
    "hx-prompt",
    "hx-history-restore-request",
    "hx-source",
    "hx-request-type",
)
# The response headers htmx 2 reads: without exposing them, Chromium logs "Refused to get unsafe
# header" in the host page's console on every poll. We send none of them; exposing is harmless.
EXPOSED_HEADERS = (
    "hx-location",
    "hx-push",
    "hx-push-url",
    "hx-redirect",
    "hx-refresh",
    "hx-replace-url",
    "hx-reselect",
    "hx-reswap",
    "hx-retarget",
    "hx-trigger",
    "hx-trigger-after-settle",
    "hx-trigger-after-swap",
)
# Browsers cap this (Chromium at two hours); one day avoids a preflight on every poll elsewhere.
PREFLIGHT_MAX_AGE = "86400"
COMMON = [(b"access-control-allow-origin", b"*")]
EXPOSE = (b"access-control-expose-headers", ", ".join(EXPOSED_HEADERS).encode())


def is_cors_path(path: str) -> bool:
    return path.startswith(CORS_PREFIXES)


def _preflight_ok(headers: dict[bytes, bytes]) -> bool:
    method = headers.get(b"access-control-request-method", b"").decode("latin-1").upper()
    asked = headers.get(b"access-control-request-headers", b"").decode("latin-1").lower()
    names = {name.strip() for name in asked.split(",") if name.strip()}
    return method in {"GET", "HEAD"} and names <= set(ALLOWED_HEADERS)


def cors_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_cors_path(scope["path"]):
            await app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            allowed = _preflight_ok(headers)
            response_headers = [
                *(COMMON if allowed else []),
                (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
                (b"access-control-allow-headers", ", ".join(ALLOWED_HEADERS).encode()),
                (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
                (b"content-length", b"0"),
            ]
            status = 204 if allowed else 403
            await send(
                {"type": "http.response.start", "status": status, "headers": response_headers}
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *COMMON, EXPOSE]}
            await send(message)

        await app(scope, receive, send_with_cors)

    return middleware
