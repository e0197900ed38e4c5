"""The printable "Guide des lieux de liens", generated from live data (page and PDF)."""
