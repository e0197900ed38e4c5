"""Opening hours: the model, the "open now" engine, Belgian holidays, OSM strings, live status."""
