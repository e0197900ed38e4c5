"""The service's own Prometheus counters, bumped by the caches (no Litestar, no SQL here).

Children are bound once: a bump on the hot path is one locked integer addition. With several
workers, set PROMETHEUS_MULTIPROC_DIR before the processes start (README "Metrics") and
prometheus_client keeps each counter in a file of that directory that /metrics adds up.
"""

from prometheus_client import Counter

_WIDGET = Counter(
    "lieux_widget_fragment_cache",
    "Open-now fragments answered from the in-memory cache (hit) or rendered (miss)",
    ["result"],
)
_FEEDS = Counter(
    "lieux_feed_cache",
    "iCal feeds answered from the in-memory cache (hit) or built (miss)",
    ["result"],
)
_SNAPSHOT = Counter(
    "lieux_open_now_snapshot_reloads",
    "Reloads of the open-now snapshot (lieux, hours) after a data change or at a new day",
)

widget_hit = _WIDGET.labels(result="hit").inc
widget_miss = _WIDGET.labels(result="miss").inc
feed_hit = _FEEDS.labels(result="hit").inc
feed_miss = _FEEDS.labels(result="miss").inc
snapshot_reload = _SNAPSHOT.inc
