"""The "open now" fragment partner sites poll: its query, snapshot, cache, view and route."""
