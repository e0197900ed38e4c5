"""Settings from LIEUX_* environment variables, checked once at start-up."""

import ipaddress
import os
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

DEFAULT_DB = "var/lieux.sqlite3"
# A shorter secret could be guessed; 32 characters is what `secrets.token_urlsafe(24)` gives.
MIN_SECRET_LENGTH = 32


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    db: str = DEFAULT_DB
    secret: str = msgspec.field(default_factory=lambda: secrets.token_urlsafe(32))
    base_url: str = "http://127.0.0.1:8000"
    tz: str = "Europe/Brussels"
    # Iris Day (8 May) is a public holiday of the Brussels region only; `holidays` does not know it.
    iris_day: bool = True
    # Feeds drop items that ended more than this many days ago: keeps the network feed small
    # while a subscriber still sees last week's events.
    feed_past_days: int = 30
    # Hours nobody has confirmed for this many days are shown as "to be confirmed" (issue 12).
    hours_stale_days: int = 90
    # Proxies whose X-Forwarded-For/-Proto `lieux serve` believes (addresses, networks or *);
    # none: the header is ignored and nobody can spoof an address.
    forwarded_allow_ips: tuple[str, ...] = ()
    # Who may read /metrics: addresses or networks (CIDR); everyone else gets a 404.
    metrics_allow: tuple[str, ...] = ("127.0.0.1", "::1")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


def _bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={value!r}: expected 1/0, true/false, yes/no or on/off")


def ip_list(name: str, value: str, *, anyone: bool = False) -> tuple[str, ...]:
    """Comma-separated IP addresses or networks (`127.0.0.1,::1,10.0.0.0/8`), each checked and
    kept as written; `*` (any address) too where `anyone`. Raise SettingsError naming `name`."""
    items = tuple(item.strip() for item in value.split(",") if item.strip())
    for item in items:
        if anyone and item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(
                f"{name}={value!r}: {item!r} is not an IP address or network "
                "(for example 127.0.0.1 or 10.0.0.0/8)"
            ) from None
    return items


def from_env(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Read the LIEUX_* variables (DB, SECRET, BASE_URL, TZ, IRIS_DAY, FEED_PAST_DAYS,
    HOURS_STALE_DAYS, FORWARDED_ALLOW_IPS, METRICS_ALLOW); raise SettingsError."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    if db := env.get("LIEUX_DB"):
        values["db"] = db
    if "LIEUX_SECRET" in env:
        secret = env["LIEUX_SECRET"]
        if len(secret) < MIN_SECRET_LENGTH:
            raise SettingsError(
                f"LIEUX_SECRET is {len(secret)} characters long: use at least "
                f"{MIN_SECRET_LENGTH} random characters"
            )
        values["secret"] = secret
    if base_url := env.get("LIEUX_BASE_URL"):
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
            raise SettingsError(
                f"LIEUX_BASE_URL={base_url!r}: expected an http(s) address such as "
                "https://lieux.example.org"
            )
        values["base_url"] = base_url.rstrip("/")
    if tz := env.get("LIEUX_TZ"):
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"LIEUX_TZ={tz!r}: not a known time zone (for example Europe/Brussels)"
            ) from None
        values["tz"] = tz
    if "LIEUX_IRIS_DAY" in env:
        values["iris_day"] = _bool("LIEUX_IRIS_DAY", env["LIEUX_IRIS_DAY"])
    if "LIEUX_FEED_PAST_DAYS" in env:
        raw = env["LIEUX_FEED_PAST_DAYS"]
        if not raw.strip().isdigit() or int(raw) > 3660:
            raise SettingsError(
                f"LIEUX_FEED_PAST_DAYS={raw!r}: expected a number of days between 0 and 3660"
            )
        values["feed_past_days"] = int(raw)
    if "LIEUX_HOURS_STALE_DAYS" in env:
        raw = env["LIEUX_HOURS_STALE_DAYS"]
        if not raw.strip().isdigit() or not 1 <= int(raw) <= 3660:
            raise SettingsError(
                f"LIEUX_HOURS_STALE_DAYS={raw!r}: expected a number of days between 1 and 3660"
            )
        values["hours_stale_days"] = int(raw)
    if "LIEUX_FORWARDED_ALLOW_IPS" in env:
        raw = env["LIEUX_FORWARDED_ALLOW_IPS"]
        values["forwarded_allow_ips"] = ip_list("LIEUX_FORWARDED_ALLOW_IPS", raw, anyone=True)
    if "LIEUX_METRICS_ALLOW" in env:
        values["metrics_allow"] = ip_list("LIEUX_METRICS_ALLOW", env["LIEUX_METRICS_ALLOW"])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
