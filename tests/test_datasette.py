"""The database opens in Datasette (the tool people use to browse tables and write SQL)
with the speeches' search box working and the tables and columns described, from the
metadata `councilbase datasette` writes."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from councilbase.cli import app
from councilbase.store.describe import column_descriptions
from councilbase.store.driver import sqlite3

runner = CliRunner()


def test_every_table_and_column_is_described() -> None:
    from councilbase.store.describe import TABLES

    columns = column_descriptions()
    assert columns["meetings"]["date_source"] == "record | index | NULL (no date)"
    assert columns["vote_casts"]["state"] == "its code; NULL when not in the reference data"
    assert columns["speeches"]["seq"] == "0-based order among the meeting's speeches"
    assert {"meetings", "speeches", "votes", "vote_casts", "outcomes"} <= set(TABLES)


def test_datasette_searches_the_speeches(ingested_copy: Path, tmp_path: Path) -> None:
    from datasette.app import Datasette

    metadata_file = tmp_path / "metadata.json"
    result = runner.invoke(
        app, ["datasette", "--db", str(ingested_copy), "--out", str(metadata_file)]
    )
    assert result.exit_code == 0, result.output
    assert f"datasette {ingested_copy} --metadata {metadata_file}" in result.output
    metadata = json.loads(metadata_file.read_text("utf-8"))
    name = ingested_copy.stem
    before = hashlib.sha256(ingested_copy.read_bytes()).hexdigest()

    async def fetch() -> dict[str, Any]:
        datasette = Datasette([str(ingested_copy)], metadata=metadata)
        searched = await datasette.client.get(
            f"/{name}/speeches.json?_search=Yarubiyah&_shape=array&_col=speaker_line"
        )
        described = await datasette.client.get(f"/{name}/meetings")
        page = await datasette.client.get(f"/{name}/speeches?_search=Yarubiyah")
        return {
            "rows": searched.json(),
            "status": searched.status_code,
            "meetings_html": described.text,
            "page": page.text,
        }

    got = asyncio.run(fetch())
    conn = sqlite3.connect(ingested_copy)
    expected = conn.execute(
        "SELECT count(*) FROM speeches_fts WHERE speeches_fts MATCH 'Yarubiyah'"
    ).fetchone()[0]
    conn.close()
    assert got["status"] == 200
    assert len(got["rows"]) == expected >= 2
    assert "One row per meeting record" in got["meetings_html"]
    assert 'name="_search"' in got["page"]  # Datasette shows its search box on speeches
    assert hashlib.sha256(ingested_copy.read_bytes()).hexdigest() == before
