"""The web app: pages for people and a JSON API for scripts, over one database opened
read-only. Every page has a JSON twin under ``/api/`` made from the same data
(:mod:`councilbase.store.browse`); the OpenAPI description is at ``/api/openapi.json``.

Text from the records is always escaped (Jinja2 autoescaping; highlighted spans are built
from escaped pieces); a query SQLite cannot read is a 400 with a message; an unknown symbol
is a 404; no route reads a file other than the database and the app's own static files.
"""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from councilbase import __version__
from councilbase.store import browse
from councilbase.store import search as q
from councilbase.store.database import Database
from councilbase.store.schema import DatabaseError
from councilbase.web import charts

ROLE_LABELS = {
    "president": "President",
    "member": "Council member",
    "invited_state": "invited State",
    "un_official": "UN official",
    "briefer": "briefer",
    "unknown": "speaker",
}


class Connections:
    """One read-only connection per thread: SQLite readers never block each other or an
    ingest writing to the same file (WAL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, tuple[float, int, float, int]], Any] = {}
        Database(path, readonly=True).close()  # refuse a bad file at start-up

    def get(self) -> Any:
        db = getattr(self._local, "db", None)
        if db is None:
            db = Database(self.path, readonly=True)
            self._local.db = db
        return db.conn

    def signature(self) -> tuple[float, int, float, int]:
        """Changes whenever the database (or its write-ahead log) does."""
        main = self.path.stat()
        wal = self.path.with_name(self.path.name + "-wal")
        extra = wal.stat() if wal.exists() else None
        return (
            main.st_mtime,
            main.st_size,
            extra.st_mtime if extra else 0.0,
            extra.st_size if extra else 0,
        )

    def cached(self, name: str, compute: Any) -> Any:
        """A whole-database result (counts over every speech), computed again only when the
        database changes."""
        key = (name, self.signature())
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        value = compute(self.get())
        with self._lock:
            self._cache = {k: v for k, v in self._cache.items() if k[1] == key[1]}
            self._cache[key] = value
        return value


def _static_dir() -> Path:
    return Path(str(resources.files("councilbase").joinpath("web/static")))


def _templates_dir() -> Path:
    return Path(str(resources.files("councilbase").joinpath("web/templates")))


def snippet_html(snippet: str) -> Markup:
    """A search snippet (« » around matches) as HTML, the text escaped."""
    return Markup(str(escape(snippet)).replace("«", "<mark>").replace("»", "</mark>"))


def url_with(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return f"{request.url.path}?{urlencode(params)}"


def search_with(request: Request, **changes: Any) -> str:
    """The search page for the current query and filters, some of them changed."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return f"/search?{urlencode(params)}"


def create_app(db_path: str | Path) -> FastAPI:
    """The app over a database file (opened read-only)."""
    connections = Connections(Path(db_path))
    app = FastAPI(
        title="councilbase",
        version=__version__,
        description="UN Security Council meeting records: meetings, speeches, votes, people.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.mount("/static", StaticFiles(directory=_static_dir()), name="static")
    templates = Jinja2Templates(directory=_templates_dir())
    templates.env.globals.update(
        snippet_html=snippet_html,
        url_with=url_with,
        search_with=search_with,
        quote=quote,
        role_label=lambda role: ROLE_LABELS.get(role, role),
        state_name=browse.state_name,
        version=__version__,
    )

    def page(
        request: Request, template: str, data: dict[str, Any], status: int = 200
    ) -> HTMLResponse:
        return templates.TemplateResponse(request, template, {"data": data}, status_code=status)

    def error(request: Request, status: int, message: str, api: bool) -> Response:
        if api:
            return JSONResponse({"error": message}, status_code=status)
        return page(request, "error.html", {"status": status, "message": message}, status)

    @app.exception_handler(browse.NotFound)
    async def not_found(request: Request, exc: browse.NotFound) -> Response:
        return error(request, 404, str(exc), request.url.path.startswith("/api/"))

    @app.exception_handler(q.QueryError)
    async def bad_query(request: Request, exc: q.QueryError) -> Response:
        return error(request, 400, str(exc), request.url.path.startswith("/api/"))

    @app.exception_handler(DatabaseError)
    async def bad_database(request: Request, exc: DatabaseError) -> Response:
        return error(request, 503, str(exc), request.url.path.startswith("/api/"))

    def filters(
        state: str | None,
        person: str | None,
        role: str | None,
        topic: str | None,
        year: str | None,
        meeting: str | None = None,
        mentions: str | None = None,
        cites: str | None = None,
    ) -> q.Filters:
        year = (year or "").strip() or None
        if year is not None and not (year.isdigit() and len(year) == 4):
            raise q.QueryError(f"cannot read the year {year!r}: write four digits, 2020")
        return q.Filters(
            state=state or None,
            person=person or None,
            role=role or None,
            meeting=meeting or None,
            topic=topic or None,
            mentions=mentions or None,
            cites=cites or None,
            year=int(year) if year else None,
        )

    def page_number(value: int) -> int:
        if value < 1 or value > 10_000:
            raise q.QueryError("page must be between 1 and 10000")
        return value

    # --- home -----------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home_page(request: Request) -> HTMLResponse:
        return page(request, "home.html", connections.cached("home", browse.home))

    @app.get("/api/", summary="Counts and the latest meetings")
    def home_api() -> dict[str, Any]:
        result: dict[str, Any] = connections.cached("home", browse.home)
        return result

    # --- meetings -------------------------------------------------------------------------

    @app.get("/meetings", response_class=HTMLResponse, include_in_schema=False)
    def meetings_page(request: Request, page_: int = Query(1, alias="page")) -> HTMLResponse:
        data = browse.meetings_list(connections.get(), q.Filters(), page_number(page_))
        return page(request, "meetings.html", data)

    @app.get("/api/meetings", summary="Meetings in order, a page at a time")
    def meetings_api(page_: int = Query(1, alias="page")) -> dict[str, Any]:
        return browse.meetings_list(connections.get(), q.Filters(), page_number(page_))

    @app.get("/meetings/{key:path}", response_class=HTMLResponse, include_in_schema=False)
    def meeting_page(request: Request, key: str) -> HTMLResponse:
        return page(request, "meeting.html", browse.meeting(connections.get(), key))

    @app.get("/api/meetings/{key:path}", summary="A meeting: cover, agenda, items, votes")
    def meeting_api(key: str) -> dict[str, Any]:
        return browse.meeting(connections.get(), key)

    # --- search ---------------------------------------------------------------------------

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        q_: str = Query("", alias="q", max_length=500),
        state: str | None = None,
        person: str | None = None,
        role: str | None = None,
        topic: str | None = None,
        year: str | None = None,
        mentions: str | None = None,
        cites: str | None = None,
        page_: int = Query(1, alias="page"),
    ) -> HTMLResponse:
        if not q_.strip():
            return page(
                request,
                "search.html",
                {"query": "", "hits": [], "total": 0, "facets": {}, "filters": {}, "page": 1},
            )
        data = browse.search_page(
            connections.get(),
            q_,
            filters(state, person, role, topic, year, None, mentions, cites),
            page_number(page_),
        )
        template = "search_results.html" if request.headers.get("HX-Request") else "search.html"
        return page(request, template, data)

    @app.get("/search/facets", response_class=HTMLResponse, include_in_schema=False)
    def facets_page(
        request: Request,
        q_: str = Query(..., alias="q", max_length=500),
        state: str | None = None,
        person: str | None = None,
        role: str | None = None,
        topic: str | None = None,
        year: str | None = None,
        mentions: str | None = None,
        cites: str | None = None,
    ) -> HTMLResponse:
        chosen = filters(state, person, role, topic, year, None, mentions, cites)
        data = {"query": q_, "facets": browse.facets(connections.get(), q_, chosen), "filters": {}}
        template = "facets.html" if request.headers.get("HX-Request") else "facets_page.html"
        return page(request, template, data)

    @app.get(
        "/api/search/facets",
        summary="How many matching speeches fall in each year, state, role, topic",
    )
    def facets_api(
        q_: str = Query(..., alias="q", max_length=500),
        state: str | None = None,
        person: str | None = None,
        role: str | None = None,
        topic: str | None = None,
        year: str | None = None,
        mentions: str | None = None,
        cites: str | None = None,
    ) -> dict[str, Any]:
        chosen = filters(state, person, role, topic, year, None, mentions, cites)
        return {"query": q_, "facets": browse.facets(connections.get(), q_, chosen)}

    @app.get("/api/search", summary="Full-text search of the speeches, best first")
    def search_api(
        q_: str = Query(
            ..., alias="q", max_length=500, description='Words, "phrases", AND/OR/NOT, prefix*'
        ),
        state: str | None = None,
        person: str | None = None,
        role: str | None = None,
        topic: str | None = None,
        year: str | None = None,
        mentions: str | None = None,
        cites: str | None = None,
        page_: int = Query(1, alias="page"),
    ) -> dict[str, Any]:
        return browse.search_page(
            connections.get(),
            q_,
            filters(state, person, role, topic, year, None, mentions, cites),
            page_number(page_),
        )

    # --- people, states, resolutions, outcomes ------------------------------------------------

    @app.get("/people/{key}", response_class=HTMLResponse, include_in_schema=False)
    def person_page(
        request: Request, key: str, page_: int = Query(1, alias="page")
    ) -> HTMLResponse:
        return page(
            request, "person.html", browse.person(connections.get(), key, page_number(page_))
        )

    @app.get("/api/people/{key}", summary="A person: names seen, decisions, speeches")
    def person_api(key: str, page_: int = Query(1, alias="page")) -> dict[str, Any]:
        return browse.person(connections.get(), key, page_number(page_))

    @app.get("/states/{code}", response_class=HTMLResponse, include_in_schema=False)
    def state_page(
        request: Request, code: str, page_: int = Query(1, alias="page")
    ) -> HTMLResponse:
        return page(
            request, "state.html", browse.state(connections.get(), code, page_number(page_))
        )

    @app.get("/api/states/{code}", summary="A state: speeches, votes, agreement with each member")
    def state_api(code: str, page_: int = Query(1, alias="page")) -> dict[str, Any]:
        return browse.state(connections.get(), code, page_number(page_))

    @app.get("/resolutions/{symbol:path}", response_class=HTMLResponse, include_in_schema=False)
    def resolution_page(request: Request, symbol: str) -> HTMLResponse:
        return page(request, "resolution.html", browse.resolution(connections.get(), symbol))

    @app.get(
        "/api/resolutions/{symbol:path}",
        summary="A resolution: the vote that adopted it, citing speeches",
    )
    def resolution_api(symbol: str) -> dict[str, Any]:
        return browse.resolution(connections.get(), symbol)

    @app.get("/outcomes", response_class=HTMLResponse, include_in_schema=False)
    def outcomes_page(
        request: Request, year: int | None = Query(None, ge=1946, le=2100)
    ) -> HTMLResponse:
        return page(request, "outcomes.html", browse.outcomes(connections.get(), year))

    @app.get("/api/outcomes", summary="The UN library's index of meetings and outcomes, by year")
    def outcomes_api(year: int | None = Query(None, ge=1946, le=2100)) -> dict[str, Any]:
        return browse.outcomes(connections.get(), year)

    # --- charts ---------------------------------------------------------------------------

    @app.get("/charts/per-month.svg", summary="Matching speeches per month, as SVG")
    def per_month_chart(
        q_: str = Query(..., alias="q", max_length=500),
        state: str | None = None,
        role: str | None = None,
    ) -> Response:
        rows = browse.per_month(connections.get(), q_, filters(state, None, role, None, None))
        svg = charts.bar_chart(rows, f"Speeches per month matching {q_}")
        return Response(svg, media_type="image/svg+xml")

    @app.get("/api/charts/per-month", summary="Matching speeches per month")
    def per_month_api(
        q_: str = Query(..., alias="q", max_length=500),
        state: str | None = None,
        role: str | None = None,
    ) -> dict[str, Any]:
        rows = browse.per_month(connections.get(), q_, filters(state, None, role, None, None))
        return {"query": q_, "months": [{"month": m, "speeches": n} for m, n in rows]}

    @app.get(
        "/charts/agreement/{code}.svg", summary="A state's vote agreement with each member, as SVG"
    )
    def agreement_chart(code: str) -> Response:
        data = browse.state(connections.get(), code, 1)
        svg = charts.hbar_chart(
            [(f"{a['name']} ({a['votes']} votes)", a["share"]) for a in data["agreement"]],
            f"How often {data['name']} voted as each member did",
        )
        return Response(svg, media_type="image/svg+xml")

    return app


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn until stopped."""
    import uvicorn

    uvicorn.run(create_app(db_path), host=host, port=port, log_level="warning")
