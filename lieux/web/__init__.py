"""The public site: base templates, pages, translations, CSS and error pages."""
