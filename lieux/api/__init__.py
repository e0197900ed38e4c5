"""The public, read-only JSON API under /api (no account, CORS GET for any origin)."""
