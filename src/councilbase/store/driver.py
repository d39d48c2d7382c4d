"""The SQLite every councilbase connection uses: the current one that sqlean.py bundles
(SQLite 3.50, with FTS5), else the standard library's.

A maintained wheel brings the same current SQLite to every machine, whatever the system's
(Debian 12 has 3.40). Every module imports ``sqlite3`` from here, so that connections, rows and
the exceptions caught are all the same library's. sqlean.py is a drop-in ``sqlite3``
module (zlib licence); the standard library's stays the fallback
(``COUNCILBASE_SQLITE=stdlib`` chooses it).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

# the types are the standard library's (sqlean.py's are the same API); COUNCILBASE_SQLITE=stdlib
# runs on the system's SQLite, to compare
if TYPE_CHECKING or os.environ.get("COUNCILBASE_SQLITE") == "stdlib":
    import sqlite3
else:
    try:
        import sqlean as sqlite3
    except ImportError:  # pragma: no cover - sqlean.py is a dependency
        import sqlite3

__all__ = ["library", "sqlite3"]


def library() -> str:
    """Which SQLite councilbase runs on: ``sqlean.py 3.50.4`` or ``sqlite3 3.40.1``."""
    name = "sqlite3" if sqlite3.__name__ == "sqlite3" else "sqlean.py"
    return f"{name} {sqlite3.sqlite_version}"
