"""The resolutions as a citation network: who cites whom, the lineage a resolution
builds on, the most-cited resolutions, and the share acting under Chapter VII by year.

Nodes are the resolutions in the database and the Council resolutions they cite (a cited
resolution whose text is not imported is a node too, marked ``in_database = false``, so
that counts of citations are right); edges run from the citing resolution to the cited
one, one per citing paragraph.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from councilbase.errors import QueryError
from councilbase.store.driver import sqlite3
from councilbase.store.resolutions import number_and_year


@dataclass
class Node:
    """A resolution in the network."""

    symbol: str
    number: int
    year: int | None
    chapter_vii: bool | None
    """None when its text is not in the database."""
    subject: str | None
    in_database: bool


@dataclass
class Edge:
    """One citation: the citing resolution, the cited one, in which paragraph."""

    source: str
    target: str
    paragraph: str


@dataclass
class Network:
    """The citation network of the Council's resolutions."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def network(conn: sqlite3.Connection) -> Network:
    """The whole network, from the database."""
    out = Network()
    for r in conn.execute(
        "SELECT symbol, number, year, chapter_vii, title FROM resolutions ORDER BY number"
    ):
        out.nodes[r["symbol"]] = Node(
            r["symbol"], r["number"], r["year"], bool(r["chapter_vii"]), r["title"], True
        )
    for r in conn.execute(
        "SELECT r.symbol AS source, c.symbol AS target, c.paragraph FROM resolution_citations c"
        " JOIN resolutions r ON r.id = c.resolution_id WHERE c.kind = 'sc_resolution'"
        " ORDER BY r.number, c.number"
    ):
        out.edges.append(Edge(r["source"], r["target"], r["paragraph"]))
        if r["target"] not in out.nodes:
            number, year = number_and_year(r["target"])
            out.nodes[r["target"]] = Node(r["target"], number, year, None, None, False)
    if out.nodes:
        subjects = _index_subjects(conn, [s for s, n in out.nodes.items() if not n.subject])
        for symbol, subject in subjects.items():
            out.nodes[symbol].subject = subject
    return out


def _index_subjects(conn: sqlite3.Connection, symbols: list[str]) -> dict[str, str]:
    """Subjects from the index for resolutions whose text gives none."""
    wanted = set(symbols)
    out: dict[str, str] = {}
    for r in conn.execute(
        "SELECT a.document, o.topic FROM outcome_actions a JOIN outcomes o ON o.id = a.outcome_id"
        " WHERE a.kind = 'resolution' AND o.topic != ''"
    ):
        if r["document"] in wanted and r["document"] not in out:
            out[r["document"]] = r["topic"]
    return out


def write_graphml(net: Network, path: Path) -> None:
    """The network as GraphML (Gephi, networkx, igraph, Cytoscape read it)."""
    keys = [
        ("number", "node", "int"),
        ("year", "node", "int"),
        ("chapter_vii", "node", "boolean"),
        ("subject", "node", "string"),
        ("in_database", "node", "boolean"),
        ("paragraph", "edge", "string"),
    ]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
        ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    lines += [
        f'  <key id="{name}" for="{kind}" attr.name="{name}" attr.type="{kind_type}"/>'
        for name, kind, kind_type in keys
    ]
    lines.append('  <graph id="resolutions" edgedefault="directed">')
    for node in net.nodes.values():
        data = [f'<data key="number">{node.number}</data>']
        if node.year is not None:
            data.append(f'<data key="year">{node.year}</data>')
        if node.chapter_vii is not None:
            data.append(f'<data key="chapter_vii">{str(node.chapter_vii).lower()}</data>')
        if node.subject:
            data.append(f'<data key="subject">{escape(node.subject, quote=False)}</data>')
        data.append(f'<data key="in_database">{str(node.in_database).lower()}</data>')
        lines.append(f"    <node id={quoteattr(node.symbol)}>{''.join(data)}</node>")
    for number, edge in enumerate(net.edges):
        lines.append(
            f'    <edge id="e{number}" source={quoteattr(edge.source)}'
            f" target={quoteattr(edge.target)}>"
            f'<data key="paragraph">{escape(edge.paragraph)}</data></edge>'
        )
    lines += ["  </graph>", "</graphml>", ""]
    _write_atomically(path, "\n".join(lines))


def write_csv(net: Network, folder: Path) -> tuple[Path, Path]:
    """The network as two CSV files in a folder: ``nodes.csv`` and ``edges.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes, edges = folder / "nodes.csv", folder / "edges.csv"
    with _atomic(nodes) as handle:
        writer = csv.writer(handle)
        writer.writerow(["symbol", "number", "year", "chapter_vii", "subject", "in_database"])
        for n in net.nodes.values():
            chapter = "" if n.chapter_vii is None else int(n.chapter_vii)
            writer.writerow(
                [n.symbol, n.number, n.year or "", chapter, n.subject or "", int(n.in_database)]
            )
    with _atomic(edges) as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "target", "paragraph"])
        for e in net.edges:
            writer.writerow([e.source, e.target, e.paragraph])
    return nodes, edges


class _atomic:
    """A text file written beside its target and moved into place when complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.temp = path.with_name(path.name + ".part")

    def __enter__(self) -> Any:
        self.handle = self.temp.open("w", encoding="utf-8", newline="")
        return self.handle

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.handle.close()
        if exc_type is None:
            self.temp.replace(self.path)
        else:
            self.temp.unlink(missing_ok=True)


def _write_atomically(path: Path, text: str) -> None:
    with _atomic(path) as handle:
        handle.write(text)


# --- lineage -------------------------------------------------------------------------------


@dataclass
class LineageStep:
    """A resolution in another's lineage: how far back, and which resolution cites it."""

    symbol: str
    depth: int
    cited_by: str
    paragraphs: list[str]
    year: int | None
    subject: str | None
    in_database: bool


def lineage(conn: sqlite3.Connection, symbol: str, depth: int = 2) -> list[LineageStep]:
    """The resolutions a resolution recalls, and those they recall, to ``depth`` steps
    (breadth first: each resolution once, at its shortest distance)."""
    if depth < 1:
        raise QueryError(f"cannot follow a lineage {depth} steps deep: give 1 or more")
    if conn.execute("SELECT 1 FROM resolutions WHERE symbol = ?", (symbol,)).fetchone() is None:
        raise QueryError(f"{symbol} is not in the database (import its text first)")
    known = {
        r["symbol"]: (r["year"], r["title"])
        for r in conn.execute("SELECT symbol, year, title FROM resolutions")
    }
    seen = {symbol}
    frontier = [symbol]
    out: list[LineageStep] = []
    for level in range(1, depth + 1):
        following: list[str] = []
        for citing in frontier:
            cited: dict[str, list[str]] = defaultdict(list)
            for r in conn.execute(
                "SELECT c.symbol, c.paragraph FROM resolution_citations c JOIN resolutions r"
                " ON r.id = c.resolution_id WHERE r.symbol = ? AND c.kind = 'sc_resolution'"
                " ORDER BY c.number",
                (citing,),
            ):
                cited[r["symbol"]].append(r["paragraph"])
            for target, paragraphs in cited.items():
                if target in seen:
                    continue
                seen.add(target)
                year, subject = known.get(target, (number_and_year(target)[1], None))
                out.append(
                    LineageStep(
                        target,
                        level,
                        citing,
                        list(dict.fromkeys(paragraphs)),
                        year,
                        subject,
                        target in known,
                    )
                )
                following.append(target)
        frontier = following
        if not frontier:
            break
    missing = [step.symbol for step in out if not step.subject]
    subjects = _index_subjects(conn, missing) if missing else {}
    for step in out:
        step.subject = step.subject or subjects.get(step.symbol)
    return out


# --- counts ---------------------------------------------------------------------------------


@dataclass
class MostCited:
    """A resolution and how many resolutions in the database cite it."""

    symbol: str
    cited_by: int
    citations: int
    """Citing paragraphs, all told."""
    year: int | None
    subject: str | None


def most_cited(
    conn: sqlite3.Connection,
    top: int = 20,
    date_from: str | None = None,
    date_to: str | None = None,
) -> list[MostCited]:
    """The resolutions most cited by the resolutions in the database (adopted between the
    dates given, when given)."""
    where, args = _years_where(date_from, date_to)
    rows = conn.execute(
        "SELECT c.symbol, count(DISTINCT c.resolution_id) AS citing, count(*) AS n"
        " FROM resolution_citations c JOIN resolutions r ON r.id = c.resolution_id"
        f" WHERE c.kind = 'sc_resolution'{where} GROUP BY c.symbol"
        " ORDER BY citing DESC, n DESC, c.symbol LIMIT ?",
        [*args, top],
    ).fetchall()
    known = {
        r["symbol"]: r["title"]
        for r in conn.execute("SELECT symbol, title FROM resolutions WHERE title IS NOT NULL")
    }
    missing = [r["symbol"] for r in rows if r["symbol"] not in known]
    known |= _index_subjects(conn, missing) if missing else {}
    return [
        MostCited(
            r["symbol"],
            r["citing"],
            r["n"],
            number_and_year(r["symbol"])[1],
            known.get(r["symbol"]),
        )
        for r in rows
    ]


@dataclass
class ChapterShare:
    """In one year: how many resolutions the database holds and how many act under
    Chapter VII."""

    year: int
    resolutions: int
    chapter_vii: int
    share: float


def chapter_vii_by_year(
    conn: sqlite3.Connection, date_from: str | None = None, date_to: str | None = None
) -> list[ChapterShare]:
    """The share of the resolutions in the database that act under Chapter VII, by year."""
    where, args = _years_where(date_from, date_to)
    rows = conn.execute(
        "SELECT r.year, count(*) AS n, sum(r.chapter_vii) AS vii FROM resolutions r"
        f" WHERE r.year IS NOT NULL{where} GROUP BY r.year ORDER BY r.year",
        args,
    ).fetchall()
    return [
        ChapterShare(r["year"], r["n"], r["vii"], round(r["vii"] / r["n"], 4) if r["n"] else 0.0)
        for r in rows
    ]


def _years_where(date_from: str | None, date_to: str | None) -> tuple[str, list[Any]]:
    where, args = "", []
    for value, op in ((date_from, ">="), (date_to, "<=")):
        if value:
            if not value[:4].isdigit():
                raise QueryError(f"cannot read the year {value!r}: write YYYY")
            where += f" AND r.year {op} ?"
            args.append(int(value[:4]))
    return where, args


# --- a resolution's neighbourhood, drawn -----------------------------------------------------


def neighbourhood(conn: sqlite3.Connection, symbol: str, limit: int = 12) -> dict[str, Any]:
    """The resolutions a resolution cites and those citing it (the nearest in number
    first, at most ``limit`` each)."""
    cites = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT c.symbol FROM resolution_citations c JOIN resolutions r"
            " ON r.id = c.resolution_id WHERE r.symbol = ? AND c.kind = 'sc_resolution'",
            (symbol,),
        )
    ]
    citing = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT r.symbol FROM resolution_citations c JOIN resolutions r"
            " ON r.id = c.resolution_id WHERE c.symbol = ?",
            (symbol,),
        )
    ]
    number = number_and_year(symbol)[0]

    def nearest(symbols: list[str]) -> list[str]:
        ordered = sorted(symbols, key=lambda s: abs(number_and_year(s)[0] - number))[:limit]
        return sorted(ordered, key=lambda s: number_and_year(s)[0])

    return {
        "symbol": symbol,
        "cites": nearest(cites),
        "cited_by": nearest(citing),
        "more_cites": max(0, len(cites) - limit),
        "more_cited_by": max(0, len(citing) - limit),
    }


def neighbourhood_svg(near: dict[str, Any], width: int = 640) -> str:
    """The neighbourhood as a small SVG: the resolutions it cites on the left, the
    resolution in the middle, those citing it on the right, each a link."""
    row = 22
    rows = max(len(near["cites"]), len(near["cited_by"]), 1)
    height = 40 + row * rows
    middle_y = 30 + row * rows / 2
    left_x, mid_x, right_x = 110, width / 2, width - 110
    title = f"Citations around {near['symbol']}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" font-family="system-ui, sans-serif"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="{left_x}" y="14" font-size="11" text-anchor="middle" fill="#555">it cites'
        f"{' (+' + str(near['more_cites']) + ')' if near['more_cites'] else ''}</text>",
        f'<text x="{right_x}" y="14" font-size="11" text-anchor="middle" fill="#555">cited by'
        f"{' (+' + str(near['more_cited_by']) + ')' if near['more_cited_by'] else ''}</text>",
    ]

    def column(symbols: list[str], x: float, side: str) -> None:
        top = middle_y - row * (len(symbols) - 1) / 2
        for i, other in enumerate(symbols):
            y = top + i * row
            if side == "left":  # this resolution cites it: from the middle to the left
                x1, y1, x2, y2 = mid_x - 80, middle_y, x + 58, y
            else:  # it cites this one: from the right to the middle
                x1, y1, x2, y2 = x - 58, y, mid_x + 80, middle_y
            parts.append(
                f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#9ab"'
                ' stroke-width="1" marker-end="url(#arrow)"/>'
            )
            link = "/resolutions/" + other.replace(" ", "%20")
            parts.append(
                f'<a href="{escape(link)}"><text x="{x:.0f}" y="{y + 4:.0f}" font-size="11"'
                f' text-anchor="middle" fill="#1a4f8a">{escape(other.removeprefix("S/RES/"))}</text></a>'
            )

    parts.append(
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6"'
        ' markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"'
        ' fill="#9ab"/></marker></defs>'
    )
    # edges run from the citing resolution to the cited one: this one -> left, right -> this one
    column(near["cites"], left_x, "left")
    column(near["cited_by"], right_x, "right")
    parts.append(
        f'<rect x="{mid_x - 78:.0f}" y="{middle_y - 13:.0f}" width="156" height="26" rx="4"'
        ' fill="#eef3f8" stroke="#3a6ea5"/>'
        f'<text x="{mid_x:.0f}" y="{middle_y + 4:.0f}" font-size="12" font-weight="bold"'
        f' text-anchor="middle">{escape(near["symbol"].removeprefix("S/RES/"))}</text>'
    )
    if not near["cites"] and not near["cited_by"]:
        parts.append(
            f'<text x="{mid_x:.0f}" y="{middle_y + 26:.0f}" font-size="11" text-anchor="middle"'
            ' fill="#555">no citations either way in this database</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def summary(net: Network) -> dict[str, Any]:
    """Counts of a network: nodes, edges, resolutions in the database, density."""
    n = len(net.nodes)
    pairs = {(e.source, e.target) for e in net.edges}
    return {
        "nodes": n,
        "in_database": sum(1 for x in net.nodes.values() if x.in_database),
        "edges": len(net.edges),
        "citing_pairs": len(pairs),
        "density": round(len(pairs) / (n * (n - 1)), 6) if n > 1 else 0.0,
        "mean_out_degree": round(
            len(pairs) / max(1, sum(1 for x in net.nodes.values() if x.in_database)), 3
        ),
    }


__all__ = [
    "ChapterShare",
    "Edge",
    "LineageStep",
    "MostCited",
    "Network",
    "Node",
    "chapter_vii_by_year",
    "lineage",
    "most_cited",
    "neighbourhood",
    "neighbourhood_svg",
    "network",
    "summary",
    "write_csv",
    "write_graphml",
]
