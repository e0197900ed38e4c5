"""Conditional GET: whether a request's `If-None-Match` names the answer we hold.

Litestar never answers 304 by itself: the widget fragment, the feeds and the embed's static
files ask this one function.
It reads the raw ASGI headers, since building Litestar's Headers costs more than the rest of a
cached fragment's answer.
"""

from collections.abc import Iterable

from litestar import MediaType
from litestar.response.base import ASGIResponse
from litestar.types import ASGIApp, Message, Receive, Scope, Send


def if_none_match(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The raw `If-None-Match` value of ASGI `headers`, or None when the request has none."""
    for name, value in headers:
        if name == b"if-none-match":
            return value.decode("latin-1")
    return None


def etag_matches(tags: str, etag: str, *, weak: bool = False) -> bool:
    """Whether `If-None-Match: tags` names `etag` (or is `*`).

    `weak=True` compares as RFC 9110 asks for If-None-Match (`W/"x"` matches `"x"`); the widget
    fragment has always compared strongly, and keeps doing so.
    """
    wanted = {tag.strip() for tag in tags.split(",")}
    if weak:
        wanted = {tag.removeprefix("W/") for tag in wanted}
    return "*" in wanted or etag in wanted


def not_modified(headers: Iterable[tuple[bytes, bytes]], etag: str, *, weak: bool = False) -> bool:
    """Whether the client already holds `etag`: answer 304 then."""
    tags = if_none_match(headers)
    return tags is not None and etag_matches(tags, etag, weak=weak)


def fragment_answer(scope: Scope, body: bytes, etag: str, max_age: int) -> ASGIResponse:
    """A cached HTML fragment (open now, agenda), or a 304 when the client holds it already.

    An ASGIResponse skips Litestar's response conversion: half the cost of a cache hit.
    """
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
    if not_modified(scope["headers"], etag):
        return ASGIResponse(status_code=304, headers=headers)
    return ASGIResponse(body=body, media_type=MediaType.HTML, headers=headers)


# What a 304 must not carry: it has no body (RFC 9110, 15.4.5).
_BODY_HEADERS = (b"content-length", b"content-type", b"content-disposition")


def not_modified_middleware(app: ASGIApp) -> ASGIApp:
    """Static files: 304 when the client holds the file's ETag (Litestar sends it, never a 304).

    A plain ASGI wrapper so that it stays out of every other route's way: it only looks at
    answers to requests that carry `If-None-Match`.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        tags = if_none_match(scope["headers"]) if scope["type"] == "http" else None
        if tags is None:
            await app(scope, receive, send)
            return
        replaced = False

        async def send_or_304(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                etag = next(
                    (v.decode("latin-1") for k, v in message["headers"] if k == b"etag"), ""
                )
                if message["status"] == 200 and etag and etag_matches(tags, etag, weak=True):
                    replaced = True
                    headers = [(k, v) for k, v in message["headers"] if k not in _BODY_HEADERS]
                    await send({**message, "status": 304, "headers": headers})
                    return
            elif message["type"] == "http.response.body" and replaced:
                if not message.get("more_body"):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await app(scope, receive, send_or_304)

    return middleware
