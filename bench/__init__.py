"""`make bench`: measure the hot paths on a real server (see docs/performance.md)."""
