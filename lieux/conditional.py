"""Conditional GET: whether a request's `If-None-Match` names the answer we hold.

Litestar never answers 304 by itself: the widget fragment and the feeds ask this one function.
It reads the raw ASGI headers, since building Litestar's Headers costs more than the rest of a
cached fragment's answer.
"""

from collections.abc import Iterable


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
