"""spaCy components that extract goal assessments, aggregates, targets, risks, events, figures and links.

Builds on `rapport.corpus` and `rapport.models`; never imports `rapport.index` or `rapport.app`.
"""
