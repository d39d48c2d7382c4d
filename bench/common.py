"""What every benchmark script shares: the ``--records`` argument and its check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from councilbase.sample import records_dir


def parser_with_records(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser with ``--records`` (default: $COUNCILBASE_RECORDS or ../shared/records)."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n")[0])
    parser.add_argument("--records", type=Path, default=records_dir())
    return parser


def records_or_exit(args: argparse.Namespace) -> Path:
    """The records folder, or exit with a message when there is none."""
    if args.records is None:
        print("no records: set COUNCILBASE_RECORDS", file=sys.stderr)
        raise SystemExit(2)
    folder: Path = args.records
    return folder
