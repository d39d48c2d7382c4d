"""Test and benchmark machinery, kept apart from the product: the hostile-input corpus
(:mod:`badinput`), fault experiments (:mod:`faults`: killed ingests, serving during an
ingest, server processes) and the hostile HTTP server fetch is tried against
(:mod:`hostile_http`). The test suite and ``bench/`` use them; councilbase itself never
imports them."""
