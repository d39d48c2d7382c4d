"""The export stage: tables (CSV, Parquet), records (JSONL), and the standards for
parliamentary and UN documents (ParlaMint TEI, Akoma Ntoso)."""
