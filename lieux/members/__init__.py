"""Members of lieux: invites, sign-in links, sessions and roles (no e-mail, no password)."""
