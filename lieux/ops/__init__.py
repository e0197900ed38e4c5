"""Running it: health and readiness, Prometheus metrics, the hot path's scoping."""
