"""The top layer: the Python API, the `rapport` command and the web page.

`from rapport.app import api` gives ingest / extract / search / compare.
"""
