"""The network admin area (/admin): the lieux to follow up, new lieux, archive and restore,
helplines, admin invites and the network's audit log."""
