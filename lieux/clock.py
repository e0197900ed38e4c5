"""The service's clock. "Now" is always a parameter: the app asks this function once per request
(`create_app(settings, clock=...)`), so tests can pin it and pages answer for a chosen instant."""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
