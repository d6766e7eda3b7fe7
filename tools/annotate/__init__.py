"""Annotation tools: sample g0vse documents, export sentence batches, import labels, read the set back.

The training set lives in the repo as file + character offsets + labels (never text);
`dataset.load()` rebuilds (text, context, labels) rows by slicing the source files.
Flow: `sample` → `export` (batches with text, outside git, under /work/annot) →
annotators write label files → `importer` (validates, writes data/annotations/) →
`dataset` / `stats`. `gold` converts the dev and sample-corpus gold to the same form.
"""
