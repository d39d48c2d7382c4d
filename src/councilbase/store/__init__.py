"""The store stage: the SQLite database, its schema, ingest, and queries over it."""
