"""Settings from LIEUX_* environment variables, checked once at start-up."""

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from email.utils import parseaddr
from typing import Literal
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

DEFAULT_DB = "var/lieux.sqlite3"
# A shorter secret could be guessed; 32 characters is what `secrets.token_urlsafe(24)` gives.
MIN_SECRET_LENGTH = 32
# Announcing further ahead than a year says nothing useful: the OSM export covers a year.
MAX_ANNOUNCE_DAYS = 365


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


class SmtpConfig(msgspec.Struct, frozen=True, kw_only=True):
    """Where e-mail goes (LIEUX_SMTP_URL). Its repr hides the password: a settings object
    printed in a log or a traceback must not give it away."""

    host: str
    port: int
    # starttls: smtp:// (587 by default); tls: smtps:// (465); plain: smtp:// to this machine
    security: Literal["starttls", "tls", "plain"]
    username: str = ""
    password: str = ""

    def __repr__(self) -> str:
        secret = ", password='***'" if self.password else ""
        user = f", username={self.username!r}" if self.username else ""
        return f"SmtpConfig({self.security}://{self.host}:{self.port}{user}{secret})"


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
    # Coming closures and period hours ("Horaires d'été") are announced this many days ahead on
    # the widget, the pages, the poster and the API (issue 22).
    announce_days: int = 15
    # Proxies whose X-Forwarded-For/-Proto `lieux serve` believes (addresses, networks or *);
    # none: the header is ignored and nobody can spoof an address.
    forwarded_allow_ips: tuple[str, ...] = ()
    # Who may read /metrics: addresses or networks (CIDR); everyone else gets a 404.
    metrics_allow: tuple[str, ...] = ("127.0.0.1", "::1")
    # E-mail (docs/mail.md): None sends nothing and stores no message. Named for its variable,
    # as every field here is; it holds the URL parsed.
    smtp_url: SmtpConfig | None = None
    mail_from: str = ""  # "Lieux de liens <lieux@example.org>" or a bare address

    @property
    def mail_enabled(self) -> bool:
        return self.smtp_url is not None and bool(self.mail_from)

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


# Only to a server on this machine may mail go without TLS: elsewhere the password and the
# addresses would cross the network in clear.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
# RFC 5321: an address is at most 254 characters; anything with spaces, angle brackets or
# quotes is refused rather than parsed (it is not a person's usual address).
_CHAR = r"[^@\s<>\"',;()\[\]\\]"  # a character of an address: no space, markup or quote
_ADDRESS = re.compile(rf"{_CHAR}{{1,64}}@{_CHAR}+\.(?:(?!\.){_CHAR})+")
ADDRESS_MAX = 254


def valid_address(text: str) -> bool:
    """A plain e-mail address: one @, a dot in the domain, no spaces or markup, not too long."""
    return len(text) <= ADDRESS_MAX and _ADDRESS.fullmatch(text) is not None


def _redacted(url: str) -> str:
    """The URL as it may be shown in an error: whatever stands between the user name and the
    last @ replaced by *** (also when a password holding / or ? broke the URL's parsing)."""
    scheme, separator, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not separator or not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}"


def smtp_config(url: str) -> SmtpConfig:
    """LIEUX_SMTP_URL -> SmtpConfig: `smtp://user:pass@host:587` (STARTTLS required),
    `smtps://user:pass@host:465` (TLS from the start), `smtp://127.0.0.1:25` (no TLS: to this
    machine only). Raise SettingsError naming the variable, never the password."""
    shown = _redacted(url)
    example = "smtp://user:password@smtp.example.org:587 or smtps://...:465"
    try:
        parts = urlsplit(url)
    except ValueError:
        raise SettingsError(f"LIEUX_SMTP_URL={shown!r}: expected {example}") from None
    if "@" in parts.path + parts.query + parts.fragment:
        raise SettingsError(
            f"LIEUX_SMTP_URL={shown!r}: write a @ : / ? or # of the user name or password "
            "percent-encoded (%40 %3A %2F %3F %23)"
        )
    try:
        port = parts.port
        if port == 0:
            raise ValueError("port 0")
    except ValueError:
        raise SettingsError(
            f"LIEUX_SMTP_URL={shown!r}: the port must be a number from 1 to 65535"
        ) from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise SettingsError(f"LIEUX_SMTP_URL={shown!r}: expected {example}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SettingsError(f"LIEUX_SMTP_URL={shown!r}: nothing may follow host:port")
    if parts.password is not None and not parts.username:
        raise SettingsError(f"LIEUX_SMTP_URL={shown!r}: a password needs a user name")
    host = parts.hostname
    security = "tls" if parts.scheme == "smtps" else "starttls"
    if parts.scheme == "smtp" and host in LOOPBACK_HOSTS:
        security = "plain"
    return SmtpConfig(
        host=host,
        port=port or DEFAULT_PORTS[parts.scheme],
        security=security,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def mail_from(value: str) -> str:
    """LIEUX_MAIL_FROM: `Name <address>` or an address, kept as written once checked."""
    name, address = parseaddr(value)
    if (
        not valid_address(address)
        or any(c in value for c in "\r\n")
        or any(c in name for c in "<>")
    ):
        raise SettingsError(
            f"LIEUX_MAIL_FROM={value!r}: expected an address such as lieux@example.org "
            "or 'Lieux de liens <lieux@example.org>'"
        )
    return value.strip()


def from_env(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Read the LIEUX_* variables (DB, SECRET, BASE_URL, TZ, IRIS_DAY, FEED_PAST_DAYS,
    HOURS_STALE_DAYS, ANNOUNCE_DAYS, FORWARDED_ALLOW_IPS, METRICS_ALLOW, SMTP_URL, MAIL_FROM);
    raise SettingsError."""
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
    if "LIEUX_ANNOUNCE_DAYS" in env:
        raw = env["LIEUX_ANNOUNCE_DAYS"]
        if not raw.strip().isdigit() or int(raw) > MAX_ANNOUNCE_DAYS:
            raise SettingsError(
                f"LIEUX_ANNOUNCE_DAYS={raw!r}: expected a number of days between 0 and "
                f"{MAX_ANNOUNCE_DAYS}"
            )
        values["announce_days"] = int(raw)
    if "LIEUX_FORWARDED_ALLOW_IPS" in env:
        raw = env["LIEUX_FORWARDED_ALLOW_IPS"]
        values["forwarded_allow_ips"] = ip_list("LIEUX_FORWARDED_ALLOW_IPS", raw, anyone=True)
    if "LIEUX_METRICS_ALLOW" in env:
        values["metrics_allow"] = ip_list("LIEUX_METRICS_ALLOW", env["LIEUX_METRICS_ALLOW"])
    if smtp_url := env.get("LIEUX_SMTP_URL", "").strip():
        values["smtp_url"] = smtp_config(smtp_url)
        if not env.get("LIEUX_MAIL_FROM", "").strip():
            raise SettingsError(
                "LIEUX_SMTP_URL is set but LIEUX_MAIL_FROM is not: give the sender's address, "
                "e.g. 'Lieux de liens <lieux@example.org>'"
            )
    if raw_from := env.get("LIEUX_MAIL_FROM", "").strip():
        values["mail_from"] = mail_from(raw_from)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
