"""The top layer: spaCy components that extract and link, and the API, CLI and web page.

`from pipeline import api` gives ingest / extract / search / compare.
"""
