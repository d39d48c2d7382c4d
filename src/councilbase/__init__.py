"""councilbase: the UN Security Council's meeting records as a structured database.

import councilbase
db = councilbase.open("councilbase.db")
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing costs the command line 10 ms
if TYPE_CHECKING:
    from pathlib import Path

    from councilbase.store.database import Database

__version__ = "0.1.0"


def open(path: str | Path | None = None, *, readonly: bool = False) -> Database:
    """Open (or create) a councilbase database; default ``$COUNCILBASE_DB`` or
    ``./councilbase.db``. See :class:`councilbase.store.database.Database`."""
    from councilbase.store.database import open_database

    return open_database(path, readonly=readonly)


def cache_dir(name: str, variable: str | None = None) -> Path:
    """Where councilbase keeps a cache: ``$variable`` when set, else
    ``$XDG_CACHE_HOME/councilbase/<name>`` (``~/.cache/councilbase/<name>``)."""
    import os
    from pathlib import Path

    if variable and os.environ.get(variable):
        return Path(os.environ[variable])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "councilbase" / name
