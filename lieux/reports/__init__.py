"""Signaler un problème: visitors report a lieu's wrong facts (a door found closed when the
site said open, wrong hours, address or phone); co-managers and network admins resolve them."""
