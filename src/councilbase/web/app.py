"""The web app: pages for people and a JSON API for scripts, over one database opened
read-only. Every page has a JSON twin under ``/api/`` made from the same data
(:mod:`councilbase.store.browse`); the OpenAPI description is at ``/api/openapi.json``.

Text from the records is always escaped (Jinja2 autoescaping; highlighted spans are built
from escaped pieces); a query SQLite cannot read is a 400 with a message; an unknown symbol
is a 404; no route reads a file other than the database and the app's own static files.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from councilbase import __version__, charts
from councilbase.store import search as q
from councilbase.store.driver import sqlite3
from councilbase.store.resolutions import ResolutionFilters
from councilbase.store.schema import DatabaseError
from councilbase.symbols import undocs_url
from councilbase.web import pages
from councilbase.web.connection import Connections
from councilbase.web.security import SecurityHeaders


def _has_embeddings(conn: sqlite3.Connection) -> bool:
    """Whether any speech has been embedded (then speeches link to "more like this")."""
    return conn.execute("SELECT 1 FROM embeddings LIMIT 1").fetchone() is not None


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
        description="The verbatim records of the UN Security Council and General Assembly: meetings, speeches, votes, people.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=_static_dir()), name="static")
    templates = Jinja2Templates(directory=_templates_dir())
    templates.env.globals.update(
        snippet_html=snippet_html,
        url_with=url_with,
        search_with=search_with,
        quote=quote,
        role_label=pages.role_label,
        roles=list(pages.ROLE_LABELS),
        undocs_url=undocs_url,
        state_name=pages.state_name,
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

    @app.exception_handler(pages.NotFound)
    async def not_found(request: Request, exc: pages.NotFound) -> Response:
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
        organisation: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        body: str | None = None,
    ) -> q.Filters:
        year = (year or "").strip() or None
        if year is not None and not re.fullmatch(r"[0-9]{4}", year, re.ASCII):
            raise q.QueryError(f"cannot read the year {year!r}: write four digits, 2020")
        chosen = q.Filters(
            state=(state or "").strip() or None,
            person=(person or "").strip() or None,
            role=(role or "").strip() or None,
            meeting=(meeting or "").strip() or None,
            topic=(topic or "").strip() or None,
            date_from=(date_from or "").strip() or None,
            date_to=(date_to or "").strip() or None,
            mentions=(mentions or "").strip() or None,
            cites=(cites or "").strip() or None,
            organisation=(organisation or "").strip() or None,
            year=int(year) if year else None,
            body=(body or "").strip() or None,
        )
        q.check_filters(chosen)
        return chosen

    async def search_filters(  # async: pure Python, run in the loop without a thread's hop
        state: str | None = Query(None, max_length=100),
        person: str | None = Query(None, max_length=100),
        role: str | None = Query(None, max_length=30),
        topic: str | None = Query(None, max_length=200),
        year: str | None = Query(None, max_length=10),
        meeting: str | None = Query(None, max_length=60),
        mentions: str | None = Query(None, max_length=100),
        cites: str | None = Query(None, max_length=100),
        organisation: str | None = Query(None, max_length=100),
        date_from: str | None = Query(None, alias="from", max_length=10),
        date_to: str | None = Query(None, alias="to", max_length=10),
        body: str | None = Query(None, max_length=30),
    ) -> q.Filters:
        """The filters of search, as query parameters (the CLI's, one for one)."""
        return filters(
            state,
            person,
            role,
            topic,
            year,
            meeting,
            mentions,
            cites,
            organisation,
            date_from,
            date_to,
            body,
        )

    def page_number(value: int) -> int:
        if value < 1 or value > 10_000:
            raise q.QueryError("page must be between 1 and 10000")
        return value

    # --- home and the API's own page -----------------------------------------------------

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        """Swagger UI, served from this app (vendored, Apache-2.0): nothing from outside."""
        return templates.TemplateResponse(request, "docs.html", {})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home_page(request: Request) -> HTMLResponse:
        return page(request, "home.html", connections.cached("home", pages.home))

    @app.get("/api/", summary="Counts and the latest meetings")
    def home_api() -> dict[str, Any]:
        result: dict[str, Any] = connections.cached("home", pages.home)
        return result

    # --- meetings -------------------------------------------------------------------------

    @app.get("/meetings", response_class=HTMLResponse, include_in_schema=False)
    def meetings_page(
        request: Request,
        page_: int = Query(1, alias="page"),
        body: str | None = Query(None, max_length=30),
    ) -> HTMLResponse:
        chosen = filters(None, None, None, None, None, body=body)
        data = pages.meetings_list(connections.get(), chosen, page_number(page_))
        return page(request, "meetings.html", data)

    @app.get("/api/meetings", summary="Meetings in order, a page at a time (body: SC or GA)")
    def meetings_api(
        page_: int = Query(1, alias="page"), body: str | None = Query(None, max_length=30)
    ) -> dict[str, Any]:
        chosen = filters(None, None, None, None, None, body=body)
        return pages.meetings_list(connections.get(), chosen, page_number(page_))

    @app.get("/meetings/{key:path}", response_class=HTMLResponse, include_in_schema=False)
    def meeting_page(request: Request, key: str) -> HTMLResponse:
        data = pages.meeting(connections.get(), key)
        data["embedded"] = connections.cached("embedded", _has_embeddings)
        return page(request, "meeting.html", data)

    @app.get("/api/meetings/{key:path}", summary="A meeting: cover, agenda, items, votes")
    def meeting_api(key: str) -> dict[str, Any]:
        return pages.meeting(connections.get(), key)

    # --- search ---------------------------------------------------------------------------

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        q_: str = Query("", alias="q", max_length=500),
        chosen: q.Filters = Depends(search_filters),
        page_: int = Query(1, alias="page"),
    ) -> HTMLResponse:
        if not q_.strip():
            return page(
                request,
                "search.html",
                {"query": "", "hits": [], "total": 0, "facets": {}, "filters": {}, "page": 1},
            )
        data = pages.search_page(
            connections.get(), q_, chosen, page_number(page_), connections.count_soon
        )
        template = "search_results.html" if request.headers.get("HX-Request") else "search.html"
        return page(request, template, data)

    @app.get("/search/facets", response_class=HTMLResponse, include_in_schema=False)
    def facets_page(
        request: Request,
        q_: str = Query(..., alias="q", max_length=500),
        chosen: q.Filters = Depends(search_filters),
    ) -> HTMLResponse:
        data = {"query": q_, "facets": pages.facets(connections.get(), q_, chosen), "filters": {}}
        template = "facets.html" if request.headers.get("HX-Request") else "facets_page.html"
        return page(request, template, data)

    # the search's answers are plain JSON values already: sent as they are, without FastAPI's
    # generic conversion of a returned dict (a millisecond of the JSON search's time)
    @app.get(
        "/api/search/facets",
        summary="How many matching speeches fall in each year, state, role, topic",
        response_model=dict[str, Any],
    )
    def facets_api(
        q_: str = Query(..., alias="q", max_length=500),
        chosen: q.Filters = Depends(search_filters),
    ) -> JSONResponse:
        return JSONResponse({"query": q_, "facets": pages.facets(connections.get(), q_, chosen)})

    @app.get(
        "/api/search",
        summary="Full-text search of the speeches, best first",
        response_model=dict[str, Any],
    )
    def search_api(
        q_: str = Query(
            ..., alias="q", max_length=500, description='Words, "phrases", AND/OR/NOT, prefix*'
        ),
        chosen: q.Filters = Depends(search_filters),
        page_: int = Query(1, alias="page"),
    ) -> JSONResponse:
        found = pages.search_page(
            connections.get(), q_, chosen, page_number(page_), connections.count_soon
        )
        return JSONResponse(found)

    # --- people, states, resolutions, outcomes ------------------------------------------------

    @app.get("/people/{key}", response_class=HTMLResponse, include_in_schema=False)
    def person_page(
        request: Request, key: str, page_: int = Query(1, alias="page")
    ) -> HTMLResponse:
        return page(
            request, "person.html", pages.person(connections.get(), key, page_number(page_))
        )

    @app.get("/api/people/{key}", summary="A person: names seen, decisions, speeches")
    def person_api(key: str, page_: int = Query(1, alias="page")) -> dict[str, Any]:
        return pages.person(connections.get(), key, page_number(page_))

    @app.get("/states/{code}", response_class=HTMLResponse, include_in_schema=False)
    def state_page(
        request: Request, code: str, page_: int = Query(1, alias="page")
    ) -> HTMLResponse:
        return page(request, "state.html", pages.state(connections.get(), code, page_number(page_)))

    @app.get("/api/states/{code}", summary="A state: speeches, votes, agreement with each member")
    def state_api(code: str, page_: int = Query(1, alias="page")) -> dict[str, Any]:
        return pages.state(connections.get(), code, page_number(page_))

    def resolution_filters(
        year: str | None = Query(None, max_length=10),
        date_from: str | None = Query(None, alias="from", max_length=10),
        date_to: str | None = Query(None, alias="to", max_length=10),
        chapter_vii: str | None = Query(None, max_length=10, description="true or false"),
        cites: str | None = Query(None, max_length=100),
    ) -> ResolutionFilters:
        """The filters of the resolutions' search (the CLI's, one for one)."""
        if year and not year.strip().isdigit():
            raise q.QueryError(f"cannot read the year {year!r}: write YYYY")
        vii = (chapter_vii or "").strip().lower()
        if vii not in ("", "true", "false", "1", "0", "yes", "no"):
            raise q.QueryError(f"cannot read chapter_vii={chapter_vii!r}: true or false")
        chosen = ResolutionFilters(
            year=int(year) if year and year.strip() else None,
            date_from=(date_from or "").strip() or None,
            date_to=(date_to or "").strip() or None,
            chapter_vii=None if not vii else vii in ("true", "1", "yes"),
            cites=(cites or "").strip() or None,
        )
        if chosen.cites:
            q.resolve_cites_filter(chosen.cites)
        return chosen

    @app.get("/resolutions", response_class=HTMLResponse, include_in_schema=False)
    def resolutions_page(
        request: Request,
        q_: str = Query("", alias="q", max_length=500),
        chosen: ResolutionFilters = Depends(resolution_filters),
        page_: int = Query(1, alias="page"),
    ) -> HTMLResponse:
        data = pages.resolutions_list(connections.get(), q_, chosen, page_number(page_))
        return page(request, "resolutions.html", data)

    @app.get(
        "/api/resolutions",
        summary="The resolutions, or (with q) their paragraphs matching a search, best first",
    )
    def resolutions_api(
        q_: str = Query("", alias="q", max_length=500),
        chosen: ResolutionFilters = Depends(resolution_filters),
        page_: int = Query(1, alias="page"),
    ) -> dict[str, Any]:
        return pages.resolutions_list(connections.get(), q_, chosen, page_number(page_))

    @app.get("/resolutions/{symbol:path}", response_class=HTMLResponse, include_in_schema=False)
    def resolution_page(request: Request, symbol: str) -> HTMLResponse:
        from councilbase.analysis.resolutions import neighbourhood_svg

        data = pages.resolution(connections.get(), symbol)
        # drawn in the page (not an <img>), so that its resolutions are links; every text in
        # it is escaped where it is made
        data["neighbourhood_svg"] = Markup(neighbourhood_svg(data["neighbourhood"]))
        return page(request, "resolution.html", data)

    @app.get(
        "/api/resolutions/{symbol:path}",
        summary="A resolution: text and structure, citations both ways, lineage, vote, debates",
    )
    def resolution_api(symbol: str) -> dict[str, Any]:
        data = pages.resolution(connections.get(), symbol)
        data.pop("text", None)  # the HTML's linked segments: the JSON has the plain text
        data.pop("cites_grouped", None)
        return data

    @app.get(
        "/charts/resolution-neighbourhood.svg",
        summary="The resolutions a resolution cites and those citing it, as SVG",
    )
    def neighbourhood_chart(symbol: str = Query(..., max_length=60)) -> Response:
        from councilbase.analysis.resolutions import neighbourhood, neighbourhood_svg
        from councilbase.store.resolutions import normalise_resolution

        found = normalise_resolution(symbol)
        svg = neighbourhood_svg(neighbourhood(connections.get(), found))
        return Response(svg, media_type="image/svg+xml")

    @app.get("/outcomes", response_class=HTMLResponse, include_in_schema=False)
    def outcomes_page(
        request: Request, year: int | None = Query(None, ge=1946, le=2100)
    ) -> HTMLResponse:
        return page(request, "outcomes.html", pages.outcomes(connections.get(), year))

    @app.get("/api/outcomes", summary="The UN library's index of meetings and outcomes, by year")
    def outcomes_api(year: int | None = Query(None, ge=1946, le=2100)) -> dict[str, Any]:
        return pages.outcomes(connections.get(), year)

    # --- charts ---------------------------------------------------------------------------

    @app.get("/charts/per-month.svg", summary="Matching speeches per month, as SVG")
    def per_month_chart(
        q_: str = Query(..., alias="q", max_length=500),
        chosen: q.Filters = Depends(search_filters),
    ) -> Response:
        rows = pages.per_month(connections.get(), q_, chosen)
        svg = charts.bar_chart(rows, f"Speeches per month matching {q_}")
        return Response(svg, media_type="image/svg+xml")

    @app.get("/api/charts/per-month", summary="Matching speeches per month")
    def per_month_api(
        q_: str = Query(..., alias="q", max_length=500),
        chosen: q.Filters = Depends(search_filters),
    ) -> dict[str, Any]:
        rows = pages.per_month(connections.get(), q_, chosen)
        return {"query": q_, "months": [{"month": m, "speeches": n} for m, n in rows]}

    @app.get(
        "/charts/agreement/{code}.svg", summary="A state's vote agreement with each member, as SVG"
    )
    def agreement_chart(code: str) -> Response:
        data = pages.state(connections.get(), code, 1)
        svg = charts.hbar_chart(
            [(f"{a['name']} ({a['votes']} votes)", a["share"]) for a in data["agreement"]],
            f"How often {data['name']} voted as each member did",
        )
        return Response(svg, media_type="image/svg+xml")

    # --- analysis -------------------------------------------------------------------------

    from councilbase.analysis import agreement as ag
    from councilbase.analysis import scaling, trends
    from councilbase.analysis import semantic as sem

    def positions(topic: str) -> Any:
        """Wordfish positions on a topic: computed once for the page and its chart, again
        only when the database changes."""
        words = " ".join(re.findall(r"\w+", topic.lower()))
        if not words:
            raise q.QueryError(f"cannot read the topic {topic!r}: give words of it")
        q.check_names(connections.get(), q.Filters(topic=words))  # a topic nobody spoke on
        return connections.cached(
            f"scale:{words}",
            lambda conn: scaling.scale(conn, topic=words, by="all", bootstrap=20),
            expensive=True,
        )

    def analysis_data(
        term: str | None,
        by: str,
        state: str | None,
        topic: str | None,
        scale_topic: str | None,
        date_from: str | None = None,
        date_to: str | None = None,
        meaning: str | None = None,
        compare: str | None = None,
        body: str | None = None,
    ) -> dict[str, Any]:
        conn = connections.get()
        chosen = q.resolve_body_filter(body) if body else "SC"  # the Council's by default
        pairs = ag.agreement_matrix(conn, date_from or None, date_to or None, chosen)
        data: dict[str, Any] = {
            "term": term or "",
            "by": by,
            "state": state or "",
            "topic": topic or "",
            "scale_topic": scale_topic or "",
            "from": date_from or "",
            "to": date_to or "",
            "meaning": meaning or "",
            "compare": compare or "",
            "body": chosen,
            "pairs": pairs.to_dicts(),
            "period": ag.period_label(date_from or None, date_to or None),
            "vetoes_records": ag.vetoes(conn, "records").to_dicts(),
            "vetoes_index": ag.vetoes(conn, "index").to_dicts(),
            "vetoes_by_state": [],
            "trend": [],
            "distinctive": [],
            "positions": [],
            "semantic": [],
            "similarity": [],
            "model": None,
        }
        totals: dict[str, dict[str, Any]] = {}
        for v in data["vetoes_records"] + data["vetoes_index"]:
            entry = totals.setdefault(
                v["state"], {"state": v["state"], "records": 0, "index": 0, "first": v["year"]}
            )
            entry[v["source"]] += v["vetoes"]
            entry["first"] = min(entry["first"], v["year"])
            entry["last"] = max(entry.get("last", v["year"]), v["year"])
        data["vetoes_by_state"] = sorted(totals.values(), key=lambda t: -t["index"] - t["records"])
        if term:
            data["trend"] = trends.trend(conn, term, by, q.Filters(state=state or None)).to_dicts()
        if state:
            data["distinctive"] = trends.distinctive(conn, state, topic or None, 25).to_dicts()
        if scale_topic:
            data["positions"] = sorted(positions(scale_topic).to_dicts(), key=lambda p: p["theta"])
        if meaning or compare:
            stored = sem.stored_model(conn)
            if stored is None:
                raise q.QueryError(
                    "no speech has been embedded: run `councilbase embed` on this database"
                )
            data["model"] = stored.name
            if meaning:
                try:
                    model: sem.Embedder = sem.embedder(stored.name)
                except RuntimeError as exc:
                    raise q.QueryError(str(exc)) from exc
                data["semantic"] = sem.semantic_search(conn, model, meaning, limit=20).to_dicts()
            if compare:
                codes = [c.strip() for c in compare.split(",") if c.strip()][:8]
                if len(codes) < 2:
                    raise q.QueryError("compare two states or more: RUS,CHN,USA")
                data["similarity"] = sem.similarity_matrix(
                    conn, stored, codes, topic or None
                ).to_dicts()
        return data

    def analysis_query(
        term: str | None = Query(None, max_length=200),
        by: str = Query("year", pattern="^(year|month)$"),
        state: str | None = Query(None, max_length=80),
        topic: str | None = Query(None, max_length=200),
        scale_topic: str | None = Query(None, max_length=200),
        date_from: str | None = Query(None, alias="from", max_length=10),
        date_to: str | None = Query(None, alias="to", max_length=10),
        meaning: str | None = Query(None, max_length=1000),
        compare: str | None = Query(None, max_length=200),
        body: str | None = Query(None, max_length=30),
    ) -> dict[str, Any]:
        return analysis_data(
            term, by, state, topic, scale_topic, date_from, date_to, meaning, compare, body
        )

    @app.get("/analysis", response_class=HTMLResponse, include_in_schema=False)
    def analysis_page(
        request: Request, data: dict[str, Any] = Depends(analysis_query)
    ) -> HTMLResponse:
        return page(request, "analysis.html", data)

    @app.get(
        "/api/analysis",
        summary="Vote agreement, vetoes, a term's trend, distinctive words, positions,"
        " search by meaning and the similarity of states' positions",
    )
    def analysis_api(data: dict[str, Any] = Depends(analysis_query)) -> dict[str, Any]:
        return data

    @app.get("/charts/agreement.svg", summary="Vote agreement of every pair of members, as SVG")
    def agreement_matrix_chart(
        date_from: str | None = Query(None, alias="from", max_length=10),
        date_to: str | None = Query(None, alias="to", max_length=10),
        body: str | None = Query(None, max_length=30),
    ) -> Response:
        chosen = q.resolve_body_filter(body) if body else "SC"
        pairs = ag.agreement_matrix(connections.get(), date_from or None, date_to or None, chosen)
        labels = sorted({p.a for p in pairs} | {p.b for p in pairs})
        where = "the General Assembly" if chosen == "GA" else "the Security Council"
        svg = charts.heatmap(
            labels,
            {(p.a, p.b): p.share for p in pairs},
            f"Vote agreement in {where}" + ag.period_label(date_from or None, date_to or None),
        )
        return Response(svg, media_type="image/svg+xml")

    @app.get("/charts/trend.svg", summary="A term per 10,000 words, by year or month, as SVG")
    def trend_chart(
        term: str = Query(..., max_length=200),
        by: str = Query("year", pattern="^(year|month)$"),
        state: str | None = None,
    ) -> Response:
        rows = trends.trend(connections.get(), term, by, q.Filters(state=state or None))
        svg = charts.bar_chart(
            [(r.period, r.per_10k_words) for r in rows], f"'{term}' per 10,000 words"
        )
        return Response(svg, media_type="image/svg+xml")

    @app.get("/charts/scale.svg", summary="Positions on a topic with 95% intervals, as SVG")
    def scale_chart(topic: str = Query(..., max_length=200)) -> Response:
        rows = sorted(positions(topic), key=lambda r: r.theta)
        svg = charts.interval_chart(
            [(r.state, r.theta, r.low, r.high) for r in rows], f"Positions on {topic}"
        )
        return Response(svg, media_type="image/svg+xml")

    def similar_data(speech: str) -> dict[str, Any]:
        conn = connections.get()
        model = sem.stored_model(conn)
        if model is None:
            raise pages.NotFound(
                "no speech has been embedded: run `councilbase embed` on this database"
            )
        hits = sem.more_like_this(conn, model, speech, limit=15)
        return {"speech": speech, "model": model.name, "similar": hits.to_dicts()}

    @app.get("/similar/{speech:path}", response_class=HTMLResponse, include_in_schema=False)
    def similar_page(request: Request, speech: str) -> HTMLResponse:
        return page(request, "similar.html", similar_data(speech))

    @app.get("/api/similar/{speech:path}", summary="Speeches closest in meaning to one speech")
    def similar_api(speech: str) -> dict[str, Any]:
        return similar_data(speech)

    return app


SERVE_DB = "COUNCILBASE_SERVE_DB"


def app_from_environment() -> FastAPI:
    """The app over the database named by $COUNCILBASE_SERVE_DB (for uvicorn's workers)."""
    return create_app(os.environ[SERVE_DB])


def serve(
    db_path: str | Path, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None
) -> None:
    """Run the app with uvicorn until stopped, in ``workers`` processes (default: one per
    core, at most 4), each with its one shared read-only connection (see
    :class:`Connections`) and its own caches."""
    import uvicorn

    os.environ[SERVE_DB] = str(Path(db_path).resolve())
    uvicorn.run(
        "councilbase.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers or min(4, os.cpu_count() or 1),
        log_level="warning",
        http="councilbase.web.protocol:NoDelayProtocol",  # no 40 ms stall: see the module
    )
