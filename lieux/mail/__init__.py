"""E-mail: the outbox (written in the caller's transaction), its rendering and its sender."""
