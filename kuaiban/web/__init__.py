"""Server-rendered HTML pages (Jinja2), no JavaScript build step."""
