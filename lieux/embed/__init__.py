"""What other sites paste: embed.js, the iframe page, the configurator, CORS, vendored htmx."""
