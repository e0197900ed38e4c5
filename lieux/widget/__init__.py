"""Opening hours and the 'open now' engine, and the htmx fragments that show it."""
