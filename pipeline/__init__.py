"""The top layer: spaCy components that extract and link, and the API, CLI and web page."""
