"""Market research a team can buy between rounds: information has a price.

Three studies, as Markstrat sells its teams studies from their budget. Each costs the
room's ``research_price`` in cash (paid at once, so it acts on the market as any cost
does) and reports what a research firm could find out, with its error:

* **Buyer receptivity by segment**: a survey of up to :data:`SURVEY_SIZE` buyers
  (buying-committee members) per size segment of enterprise; the mean receptivity
  (the chance a buyer answers a rep) with its standard error. Exhausted buyers mean
  reps who find nobody to talk to: the prey of the sales web.
* **Competitors' estimated ARR**: every other vendor alive, its strategy and its ARR
  times a lognormal error of spread :data:`ARR_NOISE` (an analyst's estimate, about
  +-30%), rounded to two significant digits.
* **Win rates by strategy**: deals won over deals closed in the last round, by the
  strategy of the vendor that closed them (counted from the market's deal log).

The noise comes from a generator seeded by (room seed, round, team, study), never from
the market's own random stream: buying a study changes the buyer's cash, not what
the market draws next, and the same purchase gives the same report after a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.params import STRATEGIES

if TYPE_CHECKING:
    from sim.model import MarketModel

STUDIES: dict[str, str] = {
    "receptivity": "Buyer receptivity by segment",
    "competitors": "Competitors' estimated ARR",
    "win_rates": "Win rates by strategy",
}
"""Study key -> its name on the page."""
SURVEY_SIZE = 40
"""Buyers surveyed per segment (a standard error of about 0.03 on a share near 0.3)."""
ARR_NOISE = 0.3
"""Spread of the lognormal error on a competitor's ARR estimate."""
SEGMENTS = ((0, 200, "small (under 200 employees)"),
            (200, 1000, "mid-size (200-999)"),
            (1000, 10**9, "large (1,000 and more)"))  # fmt: skip


class ResearchError(ValueError):
    """An unknown study, or a study the team cannot pay for."""


def study_rng(seed: int, round_number: int, team: int, study: str) -> np.random.Generator:
    """The study's own generator (see the module doc)."""
    return np.random.default_rng([seed, round_number, team, list(STUDIES).index(study)])


def run_study(
    study: str,
    model: MarketModel,
    team_vendor: int,
    names: dict[int, str],
    rng: np.random.Generator,
    last_weeks: int,
) -> dict[str, Any]:
    """The report of ``study`` on ``model`` now, for the team steering ``team_vendor``.

    Returns ``{"study", "title", "week", "rows": [...], "note"}``; rows are dicts of
    plain values (what the page shows and the room file keeps).
    """
    if study not in STUDIES:
        raise ResearchError(f"study {study!r}: expected one of {', '.join(STUDIES)}")
    rows = {
        "receptivity": _receptivity,
        "competitors": _competitors,
        "win_rates": _win_rates,
    }[study](model, team_vendor, names, rng, last_weeks)
    notes = {
        "receptivity": f"Survey of up to {SURVEY_SIZE} buyers per segment; +- is one standard error.",
        "competitors": "Analyst estimates: each figure may be about 30% off.",
        "win_rates": f"Deals closed in the last {last_weeks} weeks, by the seller's strategy.",
    }
    return {
        "study": study,
        "title": STUDIES[study],
        "week": int(model.steps),
        "rows": rows,
        "note": notes[study],
    }


def _receptivity(model, team_vendor, names, rng, last_weeks) -> list[dict[str, Any]]:
    pop = model.population
    size = pop.ent_size[pop.buyer_enterprise]
    rows = []
    for low, high, label in SEGMENTS:
        buyers = np.flatnonzero((size >= low) & (size < high))
        if not len(buyers):
            rows.append({"segment": label, "receptivity": "no such enterprises", "surveyed": 0})
            continue
        asked = rng.choice(buyers, size=min(SURVEY_SIZE, len(buyers)), replace=False)
        values = pop.receptivity[asked]
        se = float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0
        rows.append(
            {
                "segment": label,
                "receptivity": f"{values.mean():.2f} +- {se:.2f}",
                "surveyed": int(len(values)),
            }
        )
    return rows


def _two_digits(x: float) -> float:
    if x <= 0:
        return 0.0
    digits = 1 - int(np.floor(np.log10(x)))
    return float(round(x, digits))


def _competitors(model, team_vendor, names, rng, last_weeks) -> list[dict[str, Any]]:
    rows = []
    for v in model.alive_vendors():
        if v.index == team_vendor:
            continue
        error = float(np.exp(ARR_NOISE * rng.standard_normal() - ARR_NOISE**2 / 2))
        rows.append(
            {
                "vendor": names.get(v.index, f"{v.name} (computer)"),
                "strategy": v.strategy,
                "estimated ARR": f"${_two_digits(v.arr * error):,.0f}",
            }
        )
    return rows


def _win_rates(model, team_vendor, names, rng, last_weeks) -> list[dict[str, Any]]:
    since = model.steps - last_weeks
    won = dict.fromkeys(STRATEGIES, 0)
    lost = dict.fromkeys(STRATEGIES, 0)
    for ev in reversed(model.events):
        if ev["step"] <= since:
            break
        if ev["event"] == "won" and ev["strategy"] in won:
            won[ev["strategy"]] += 1
        elif ev["event"] == "lost" and ev["strategy"] in lost:
            lost[ev["strategy"]] += 1
    rows = []
    for s in STRATEGIES:
        closed = won[s] + lost[s]
        rows.append(
            {
                "strategy": s,
                "won": won[s],
                "lost": lost[s],
                "win rate": f"{won[s] / closed:.0%}" if closed else "no deals closed",
            }
        )
    return rows


def nothing_yet(study: str, model: MarketModel, team_vendor: int, last_weeks: int) -> str | None:
    """Why ``study`` would report nothing now (None if it has something to show).

    Such a study is not sold (issue 20: a win-rate study bought at week 0 cost 50k and
    showed all zeros): no competitor with revenue yet, or no deal closed in the last
    round. A receptivity survey always has buyers to ask.
    """
    if study == "competitors":
        rivals = [v for v in model.alive_vendors() if v.index != team_vendor]
        if not any(v.arr > 0 for v in rivals):
            return "no competitor has any revenue yet; it is for sale once one has"
    elif study == "win_rates":
        rows = _win_rates(model, team_vendor, {}, None, last_weeks)
        if not any(r["won"] + r["lost"] for r in rows):
            return f"no deal has closed in the last {last_weeks} weeks yet"
    return None
