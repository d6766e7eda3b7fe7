"""Vector stores behind the Searcher's dense views: faiss (default, embedded) and LanceDB.

    from rapport.index.stores import available_stores, parse_store_uri, attach_store
"""
from rapport.index.stores.attach import StoreView, attach_store, open_store, sync_store
from rapport.index.stores.base import (SCHEMES, StoreError, StoreURI, VectorStore, available_stores, parse_store_uri,
                                       passage_ids)

__all__ = ["SCHEMES", "StoreError", "StoreURI", "StoreView", "VectorStore", "attach_store", "available_stores",
           "open_store", "parse_store_uri", "passage_ids", "sync_store"]
