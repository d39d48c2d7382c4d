"""Positions on one dimension from word counts: Wordfish (Slapin and Proksch, "A Scaling
Model for Estimating Time-Series Party Positions from Texts", AJPS 2008).

Each document is one state's speeches on a topic in one period. Word counts follow
``y_ij ~ Poisson(exp(alpha_i + psi_j + beta_j * theta_i))``: alpha is a document's length,
psi a word's frequency, beta how a word separates positions, theta the position. The model
is fitted by alternating Newton steps (documents given words, words given documents), with
theta standardised (mean 0, sd 1) and a weak normal prior on beta, as in Wordfish.
Uncertainty comes from a parametric bootstrap: counts drawn from the fitted model, refitted,
the spread of theta reported as a standard error and a 95% interval.
The direction of the scale is arbitrary; it is fixed so that ``anchor`` (when given) is
negative.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from councilbase.analysis import MEETING_DATE
from councilbase.analysis.trends import tokens
from councilbase.store import search as q
from councilbase.store.driver import sqlite3
from councilbase.store.search import Filters, Rows


@dataclass
class Position:
    """A state's estimated position in a period, with its uncertainty."""

    state: str
    period: str
    theta: float
    se: float
    low: float
    high: float
    words: int


@dataclass
class Fit:
    """Fitted parameters."""

    theta: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    psi: np.ndarray
    iterations: int


def fit_wordfish(
    counts: np.ndarray, iterations: int = 200, tol: float = 1e-6, beta_prior: float = 3.0
) -> Fit:
    """Fit Wordfish to a documents x words count matrix."""
    y = counts.astype(float)
    n_docs = y.shape[0]
    row = y.sum(axis=1)
    alpha = np.log(row / row[0])
    psi = np.log(y.mean(axis=0) + 0.1)
    # starting positions: first left singular vector of the standardised residuals
    expected = np.outer(row, y.sum(axis=0)) / y.sum()
    resid = (y - expected) / np.sqrt(expected + 1e-9)
    u, s, vt = np.linalg.svd(resid, full_matrices=False)
    theta = u[:, 0]
    theta = (theta - theta.mean()) / (theta.std() or 1.0)
    beta = vt[0] * s[0] / np.sqrt(n_docs) * 0.1
    previous = -np.inf
    done = 0
    for step in range(1, iterations + 1):
        done = step
        # words: Newton step for (psi_j, beta_j) with documents fixed
        eta = alpha[:, None] + psi[None, :] + beta[None, :] * theta[:, None]
        lam = np.exp(np.clip(eta, -50, 50))
        g_psi = (y - lam).sum(axis=0)
        g_beta = ((y - lam) * theta[:, None]).sum(axis=0) - beta / beta_prior**2
        h_pp = lam.sum(axis=0)
        h_pb = (lam * theta[:, None]).sum(axis=0)
        h_bb = (lam * theta[:, None] ** 2).sum(axis=0) + 1 / beta_prior**2
        det = h_pp * h_bb - h_pb**2
        det[det <= 1e-12] = 1e-12
        psi = psi + (h_bb * g_psi - h_pb * g_beta) / det
        beta = beta + (h_pp * g_beta - h_pb * g_psi) / det
        # documents: Newton step for (alpha_i, theta_i) with words fixed
        eta = alpha[:, None] + psi[None, :] + beta[None, :] * theta[:, None]
        lam = np.exp(np.clip(eta, -50, 50))
        g_a = (y - lam).sum(axis=1)
        g_t = ((y - lam) * beta[None, :]).sum(axis=1) - theta
        h_aa = lam.sum(axis=1)
        h_at = (lam * beta[None, :]).sum(axis=1)
        h_tt = (lam * beta[None, :] ** 2).sum(axis=1) + 1.0
        det = h_aa * h_tt - h_at**2
        det[det <= 1e-12] = 1e-12
        alpha = alpha + (h_tt * g_a - h_at * g_t) / det
        theta = theta + (h_aa * g_t - h_at * g_a) / det
        # identification: theta standardised, alpha_0 = 0
        mean, sd = theta.mean(), theta.std() or 1.0
        theta = (theta - mean) / sd
        psi = psi + beta * mean
        beta = beta * sd
        psi = psi + alpha[0]
        alpha = alpha - alpha[0]
        eta = alpha[:, None] + psi[None, :] + beta[None, :] * theta[:, None]
        loglik = float((y * eta - np.exp(np.clip(eta, -50, 50))).sum())
        if abs(loglik - previous) < tol * (abs(previous) + 1):
            break
        previous = loglik
    return Fit(theta, alpha, beta, psi, done)


MAX_BOOTSTRAP = 1000
"""The most bootstrap draws a request may ask for (each is a whole Wordfish fit)."""


def scale(
    conn: sqlite3.Connection,
    topic: str | None = None,
    by: str = "year",
    states: list[str] | None = None,
    filters: Filters | None = None,
    bootstrap: int = 30,
    max_words: int = 1000,
    min_count: int = 5,
    anchor: str | None = None,
    seed: int = 1,
) -> Rows[Position]:
    """Positions of states (per period) from their speeches on a topic."""
    if by not in ("year", "all"):
        raise q.QueryError(f"cannot place states by {by!r}: year, or all for one position each")
    if not 0 <= bootstrap <= MAX_BOOTSTRAP:
        raise q.QueryError(f"bootstrap draws must be 0 to {MAX_BOOTSTRAP}, not {bootstrap}")
    base = filters or Filters()
    base = Filters(**{**base.__dict__, "topic": topic or base.topic})
    where, args = q.filter_sql(base)
    period = (
        f"coalesce(substr({MEETING_DATE}, 1, 4), CAST(m.year AS TEXT))" if by == "year" else "'all'"
    )
    wanted = {q.resolve_state_filter(s) for s in states} if states else None
    documents: dict[tuple[str, str], Counter[str]] = {}
    for state, p, text in conn.execute(
        f"SELECT s.state, {period}, s.text FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
        f" WHERE s.state IS NOT NULL AND s.role != 'president'{where}",
        args,
    ):
        if wanted and state not in wanted:
            continue
        documents.setdefault((state, p or "?"), Counter()).update(tokens(text))
    keys = sorted(k for k, c in documents.items() if sum(c.values()) >= 200)
    if len(keys) < 3:
        raise q.QueryError(
            "scaling needs at least three states (or state-periods) with 200 words or more"
        )
    totals: Counter[str] = Counter()
    for key in keys:
        totals.update(documents[key])
    vocabulary = [w for w, n in totals.most_common(max_words) if n >= min_count]
    index = {w: i for i, w in enumerate(vocabulary)}
    counts = np.zeros((len(keys), len(vocabulary)))
    for row, key in enumerate(keys):
        for word, n in documents[key].items():
            if word in index:
                counts[row, index[word]] = n
    fit = fit_wordfish(counts)
    theta = fit.theta.copy()
    sign = 1.0
    if anchor:
        code = q.resolve_state_filter(anchor)
        anchored = [i for i, k in enumerate(keys) if k[0] == code]
        if anchored and theta[anchored].mean() > 0:
            sign = -1.0
    theta *= sign
    rng = np.random.default_rng(seed)
    draws = []
    lam = np.exp(fit.alpha[:, None] + fit.psi[None, :] + fit.beta[None, :] * fit.theta[:, None])
    for _ in range(bootstrap):
        simulated = rng.poisson(lam)
        simulated[:, simulated.sum(axis=0) == 0] = 0
        refit = fit_wordfish(simulated, iterations=60)
        t = refit.theta * (1 if np.corrcoef(refit.theta, fit.theta)[0, 1] >= 0 else -1)
        draws.append(t * sign)
    spread = np.vstack(draws) if draws else np.zeros((1, len(keys)))
    se = spread.std(axis=0)
    return Rows(
        Position(
            state=k[0],
            period=k[1],
            theta=round(float(theta[i]), 3),
            se=round(float(se[i]), 3),
            low=round(float(np.percentile(spread[:, i], 2.5)), 3),
            high=round(float(np.percentile(spread[:, i], 97.5)), 3),
            words=int(counts[i].sum()),
        )
        for i, k in enumerate(keys)
    )
