"""Prometheus metrics with Litestar's own support: request counts and latency per route
(PrometheusConfig's middleware), the caches' counters (lieux.ops.counters), and the time of the
last calendar refresh, read from the database at each scrape so every worker reports the same.

/metrics answers only the addresses of LIEUX_METRICS_ALLOW (default 127.0.0.1 and ::1); every
other client gets the same 404 as for any unknown path. With several workers, set
PROMETHEUS_MULTIPROC_DIR (README "Metrics"): every process writes its samples there and any of
them answers a scrape with the sum.
"""

import ipaddress
import os
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from time import perf_counter

from litestar.plugins.prometheus import PrometheusConfig, PrometheusMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import REGISTRY, CollectorRegistry, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric

from lieux.db import open_existing
from lieux.db.check import last_calendar_refresh

METRICS_PATH = "/metrics"
# Latency buckets (seconds): a cached fragment answers in well under a millisecond, a cold
# network feed in a second or two.
BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]


class RouteMetrics(PrometheusMiddleware):
    """Litestar's Prometheus middleware, its series (lieux_requests_total,
    lieux_request_duration_seconds, lieux_requests_error_total) without its per-request cost.

    Litestar's builds a Request, parses the URL and looks four labelled series up on every
    call; this one reads the method and route template from the ASGI scope and keeps each
    (method, route, status) series' children, so the cached widget stays near the ceiling
    (README "Benchmarks"). It leaves out the in-progress gauge (two more locks a request).
    """

    def __init__(self, app: ASGIApp, config: PrometheusConfig) -> None:
        super().__init__(app=app, config=config)
        self._series: dict[tuple[str, str, int], tuple] = {}

    def _children(self, method: str, path: str, status: int) -> tuple:
        key = (method, path, status)
        found = self._series.get(key)
        if found is None:
            labels = {
                "method": method,
                "path": path,
                "status_code": status,
                "app_name": self._config.app_name,
            }
            values = list(labels.values())
            errors = self.requests_error_count(labels).labels(*values) if status >= 500 else None
            found = self._series[key] = (
                self.request_count(labels).labels(*values),
                self.request_time(labels).labels(*values),
                errors,
            )
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == METRICS_PATH:  # scrapes are not counted (cheaper than `exclude`)
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        status = 500  # what the client sees if nothing was sent

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            count, latency, errors = self._children(
                scope["method"], scope.get("path_template", scope["path"]), status
            )
            count.inc()
            latency.observe(perf_counter() - started)
            if errors is not None:
                errors.inc()


def prometheus_config() -> PrometheusConfig:
    # group_path: one series per route ("/lieux/{slug}"), not per URL a crawler invents;
    # unknown paths (404s of scanners) and the scrapes themselves are not counted.
    return PrometheusConfig(
        app_name="lieux",
        prefix="lieux",
        group_path=True,
        buckets=BUCKETS,
        exclude_unhandled_paths=True,
        middleware_class=RouteMetrics,
    )


@cache
def _networks(allowed: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(network, strict=False) for network in allowed)


def may_scrape(client: tuple[str, int] | None, allowed: tuple[str, ...]) -> bool:
    """Whether the ASGI `client` (host, port) is one of the allowed addresses or networks."""
    if not client:
        return False
    try:
        address = ipaddress.ip_address(client[0])
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in _networks(allowed))


class LastRefresh:
    """A collector: the last time a linked calendar was fetched, from the database."""

    def __init__(self, db_path: str):
        self.db_path = db_path

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "lieux_calendar_last_refresh_timestamp_seconds",
            "When a linked calendar address was last fetched (Unix time; absent: never)",
        )
        db = open_existing(self.db_path)
        try:
            last = last_calendar_refresh(db)
        finally:
            db.close()
        if last:
            gauge.add_metric([], datetime.fromisoformat(last).timestamp())
        yield gauge


def registry_for(db_path: str) -> CollectorRegistry:
    """What a scrape reads: this process's metrics, or every worker's in multiprocess mode,
    plus the last calendar refresh."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Everything())
    registry.register(LastRefresh(db_path))
    return registry


class _Everything:
    """The process's default registry, seen through another registry."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()
