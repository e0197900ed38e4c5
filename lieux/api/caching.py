"""ETag, 304 and Cache-Control for every successful answer under /api.

The answers are small JSON documents: the ETag is a hash of the body, computed as it leaves,
and `lieux.conditional.not_modified_middleware` (the static files' check) turns a matching
`If-None-Match` into a 304. Errors keep neither (a 4xx is not cached by name).
"""

import hashlib

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from lieux.conditional import not_modified_middleware

# Browsers and proxies may keep an answer this long; open-now changes by the minute.
MAX_AGE = 60
CACHE_CONTROL = f"public, max-age={MAX_AGE}".encode()


def etag_middleware(app: ASGIApp) -> ASGIApp:
    """Add a strong ETag (hash of the body) and Cache-Control to 200 answers."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] != 200:
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
            headers = [(k, v) for k, v in start["headers"] if k not in (b"etag", b"cache-control")]
            headers += [(b"etag", etag.encode()), (b"cache-control", CACHE_CONTROL)]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, buffered)

    return middleware


# Outermost first: the 304 check sees the ETag the inner middleware adds.
API_MIDDLEWARE = [not_modified_middleware, etag_middleware]
