"""Each preset whose narrative names an outcome produces it, on average over a few seeds.

A preset's story is what a user of the app reads before pressing run ("each rep wins
fewer deals a year than in the default market"); if the model does not produce it, the story is
wrong, and it should fail here rather than in a workshop. Each story is two arms (the
comparison the narrative names) run on the same seeds in a small market, and the test
asks only for the named direction of the mean paired difference: a small-sample check
of a story, not a claim's verdict (those are in tests/test_claims.py). A story that does
not hold on today's model is an expected failure with its measured numbers; it is
reported, not tuned. Presets whose outcome another test already checks are listed in
COVERED with that test, so a new preset must be placed in one of the two lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from experiments import claim_metrics as cm
from experiments.claim_metrics import Metric
from experiments.claims import Claim, ClaimResult, Side, run_claims
from sim.scenarios import preset_names

SEEDS = [0, 1, 2, 3]


# ------------------------------------------------------------------------ metrics


def _zero(model) -> float:
    return 0.0


def _one(model) -> float:
    return 1.0


def _signups(model) -> float:
    return float(sum(v.signups_total for v in model.vendor_list))


def _exits(model) -> float:
    return float(sum(e["event"] == "exit" for e in model.events))


def _entries_after_an_exit(model) -> float:
    exits = [e["step"] for e in model.events if e["event"] == "exit"]
    return float(
        bool(exits) and any(e["event"] == "entry" and e["step"] > min(exits) for e in model.events)
    )


def _receptivity(model) -> np.ndarray:
    r = model.datacollector.get_model_vars_dataframe()["buyer_receptivity"].to_numpy(float)
    return np.convolve(r, np.ones(13) / 13, mode="valid")  # a quarter's moving average


def _receptivity_start(model) -> float:
    return float(_receptivity(model)[0])


def _receptivity_trough(model) -> float:
    return float(_receptivity(model).min())


def _receptivity_rebound(model) -> float:
    """Rise of receptivity after its trough (0 if the trough is the end)."""
    r = _receptivity(model)
    return float(r[int(np.argmin(r)) :].max() - r.min())


def _openness_start(model) -> float:
    return float(model.datacollector.get_model_vars_dataframe()["mean_openness"].iloc[0])


def _bu_worth(model) -> float:
    return sum(cm.worth(v) for v in model.vendor_list if v.strategy == "bottoms_up")


def _direct_worth(model) -> float:
    return sum(cm.worth(v) for v in model.vendor_list if v.strategy == "direct")


ZERO = Metric("zero", _zero)
ONE = Metric("one", _one)
FOCAL_CAC = Metric("focal CAC", cm.focal_cac)
CAC = Metric("CAC", cm.cac)
FOCAL_WORTH = Metric("focal worth", cm.focal_worth)
SALES_WORTH = Metric("hybrid minus bottoms-up, seat-years", cm.focal_worth_in_acv)
RETENTION = Metric("ARR a year after landing / first ACV", cm.account_retention_at_one_year)


# ------------------------------------------------------------------------ stories


@dataclass(frozen=True)
class Story:
    """A preset's named outcome: ``left`` beats ``right`` in the direction ``sign``."""

    key: str
    preset: str
    says: str
    left: Side
    right: Side
    metric: Metric = ZERO
    sign: int = 1
    size: dict[str, Any] = field(default_factory=dict)
    baseline: dict[str, Any] | None = None
    xfail: str = ""

    def claim(self) -> Claim:
        sides = {
            s: Side(
                getattr(self, s).label,
                {**self.size, **getattr(self, s).overrides},
                getattr(self, s).metric,
                getattr(self, s).scenario,
            )
            for s in ("left", "right")
        }
        return Claim(
            key=self.key,
            title=self.says,
            essay="preset story",
            scenario=self.preset,
            lever="the preset's comparison",
            metric=self.metric,
            expected_sign=self.sign,
            mechanism="the story",
            mechanism_off={},
            baseline=self.baseline,
            **sides,
        )


def run_of(metric: Metric, label: str = "run") -> Side:
    """A side that reads the (shared) run with its own metric."""
    return Side(label, {}, metric)


SMALL = {"n_enterprises": 60, "horizon": 156}
SMALL_TWO = {"n_enterprises": 60, "horizon": 156}
TWO_VENDORS = {}  # the presets' own size: a race of two vendors for 200 enterprises

STORIES: tuple[Story, ...] = (
    Story(
        "careful_qualification",
        "careful_qualification",
        "the focal vendor that qualifies acquires customers for less than chasing everything",
        Side("qualifies", {"focal": {"qualification": 0.5}}),
        Side("chases", {"focal": {"qualification": 0.0}}),
        FOCAL_CAC,
        -1,
        SMALL,
        xfail="measured at 60 enterprises, 156 weeks, seeds 0-3: the qualifying focal vendor's CAC is 64.7k higher on average (per seed +48.4k, +15.7k, +208.4k, -13.5k; engine b20bc364be77): the story is not shown at this size",
    ),
    Story(
        "datastax_direct",
        "datastax_direct",
        "direct does better than bottoms-up for infrastructure",
        run_of(Metric("bottoms-up worth", _bu_worth), "bottoms-up"),
        run_of(Metric("direct worth", _direct_worth), "direct"),
        sign=-1,
        size=SMALL_TWO,
    ),
    Story(
        "default_wears_attention",
        "default",
        "outbound pressure wears down buyers' attention",
        run_of(Metric("trough", _receptivity_trough), "trough"),
        run_of(Metric("start", _receptivity_start), "start"),
        sign=-1,
        size={"n_enterprises": 80},
    ),
    Story(
        "default_exits",
        "default",
        "vendors starve and exit",
        run_of(Metric("exits", _exits), "exits"),
        run_of(ZERO, "none"),
        size={"n_enterprises": 80},
    ),
    Story(
        "default_attention_recovers",
        "default",
        "attention recovers after it was worn down",
        run_of(Metric("rebound", _receptivity_rebound), "rebound"),
        run_of(ZERO, "none"),
        size={"n_enterprises": 80},
    ),
    Story(
        "default_vendors_return",
        "default",
        "new vendors return after others exit",
        run_of(Metric("an entry after the first exit", _entries_after_an_exit), "returns"),
        run_of(ZERO, "none"),
        size={"n_enterprises": 80},
    ),
    Story(
        "dual_motion_low_acv",
        "dual_motion",
        "at a rabbit's ACV (0.5 USD a seat) the hybrid burns cash on reps its deals cannot pay for",
        Side("hybrid at 0.5", {"focal": {"seat_price": 0.5}}, SALES_WORTH),
        Side("break even", {"focal": {"seat_price": 0.5}}, ZERO),
        sign=-1,
        size=SMALL_TWO,
        baseline={"focal": {"strategy": "bottoms_up"}},
    ),
    Story(
        "dual_motion_high_acv",
        "dual_motion",
        "raise seat_price and the overlay pays",
        Side("hybrid at 40", {"focal": {"seat_price": 40.0}}, SALES_WORTH),
        Side("break even", {"focal": {"seat_price": 40.0}}, ZERO),
        size=SMALL_TWO,
        baseline={"focal": {"strategy": "bottoms_up"}},
    ),
    Story(
        "generational_shift_openness",
        "generational_shift",
        "openness to self-service rises year after year",
        run_of(Metric("openness at the end", cm.mean_openness), "end"),
        run_of(Metric("openness at the start", _openness_start), "start"),
        size={"n_enterprises": 40, "horizon": 156},
    ),
    Story(
        "generational_shift_adoption",
        "generational_shift",
        "and with it bottoms-up adoption (against openness_drift 0)",
        Side("drift 0.04", {}),
        Side("drift 0", {"openness_drift": 0.0}),
        Metric("self-serve users", cm.self_serve_users),
        size={"n_enterprises": 60, "horizon": 260},
    ),
    Story(
        "golden_goose",
        "golden_goose",
        "outbound touches that erode the brand slow the sign-ups (against brand_erosion 0)",
        Side("erosion 0.05", {}),
        Side("no erosion", {"brand_erosion": 0.0}),
        Metric("sign-ups, every vendor", _signups),
        -1,
        SMALL,
    ),
    Story(
        "land_and_expand_checks",
        "land_and_expand",
        "bottoms-up checks start small and grow",
        run_of(Metric("a year later", cm.team_plan_acv_a_year_later), "a year later"),
        run_of(Metric("first check", cm.first_team_plan_acv), "first check"),
        size=SMALL,
    ),
    Story(
        "land_and_expand_works",
        "land_and_expand",
        "a product that works expands (accounts worth more a year after landing)",
        Side("quality 0.9", {}, RETENTION),
        Side("as landed", {}, ONE),
        size=SMALL,
    ),
    Story(
        "land_and_expand_fails",
        "land_and_expand",
        "a product that does not work does not expand, and churns",
        Side("quality 0.3", {"quality": 0.3}, RETENTION),
        Side("as landed", {"quality": 0.3}, ONE),
        sign=-1,
        size=SMALL,
    ),
    Story(
        "sales_too_early",
        "sales_too_early",
        "the same four reps started a year later win their first-year deals for less",
        Side("week 0", {}),
        Side("week 52", {"sales_start_week": 52}),
        Metric("first-year rep spend per rep-won deal", cm.first_year_sales_cac),
        size=SMALL,
    ),
    Story(
        "user_not_buyer",
        "user_not_buyer",
        "bottoms-up leads barely convert where the user is not the buyer (against 1)",
        Side("user_is_buyer 0.1", {}),
        Side("user_is_buyer 1", {"user_is_buyer": 1.0}),
        Metric("bottoms-up ARR", cm.arr_bottoms_up),
        -1,
        SMALL,
    ),
    Story(
        "warm_network",
        "warm_network",
        "warm introductions make each customer cost less (against warm_intro_share 0)",
        Side("warm share 0.5", {}),
        Side("warm share 0", {"warm_intro_share": 0.0}),
        CAC,
        -1,
        SMALL,
    ),
    Story(
        "yammer_viral",
        "yammer_viral",
        "where one ripe team's purchaser in five comes forward, the direct vendor ends ahead "
        "of the bottoms-up one in worth (the essay's premise, the purchaser comes, is "
        "viral_purchaser_comes: tests/test_claims.py, viral_goes_bottoms_up)",
        run_of(Metric("bottoms-up worth", _bu_worth), "bottoms-up"),
        run_of(Metric("direct worth", _direct_worth), "direct"),
        sign=-1,
        size=TWO_VENDORS,
    ),
    Story(
        "viral_purchaser_comes",
        "viral_purchaser_comes",
        "going bottoms-up puts the focal company ahead of going direct",
        Side("bottoms-up", {}),
        Side("direct", {"focal": {"strategy": "direct"}}),
        FOCAL_WORTH,
        size=TWO_VENDORS,
    ),
    Story(
        "same_generation",
        "same_generation",
        "bottoms-up revenue is lower than where a more open generation takes over",
        Side("same generation", {}),
        Side("more open", {}, scenario="generational_shift"),
        Metric("bottoms-up ARR", cm.arr_bottoms_up),
        -1,
        {"n_enterprises": 60, "horizon": 260},
    ),
    Story(
        "oversubscribed",
        "oversubscribed",
        "each rep wins fewer deals a year than in the default market",
        Side("24 vendors", {}),
        Side("default", {}, scenario="default"),
        Metric("deals per rep-year", cm.deals_per_rep_year),
        -1,
        {"n_enterprises": 80},
    ),
    Story(
        "industry_pressure",
        "industry_pressure",
        "each rep wins fewer deals a year than in the default market",
        Side("oversubscribed by the industry", {}),
        Side("default", {}, scenario="default"),
        Metric("deals per rep-year", cm.deals_per_rep_year),
        -1,
        {"n_enterprises": 80},
    ),
    Story(
        "bottoms_up_exception",
        "bottoms_up_exception",
        "many more bottoms-up companies grow super-linearly than in the default market",
        Side("exceptions", {}),
        Side("default", {}, scenario="default"),
        Metric("accelerating share", cm.accelerating_bottoms_up_share),
        size={"n_enterprises": 80},
    ),
)

COVERED = {
    "bass": "tests/test_theory.py::test_bass_mean_follows_recursion_and_closed_form",
    "predator_prey": "tests/test_theory.py::test_predator_prey_oscillates_at_predicted_period, "
    "test_reps_peaks_lag_receptivity_peaks",
    "on_prem_holdouts": "tests/test_claims.py::test_on_prem_enterprises_are_reached_only_by_direct_deals",
    "sales_web_cycle": "tests/test_claims.py::test_claim_holds[co_evolution] (cycles here, none "
    "in sales_web_fixed); touch_fatigue 0 removes them: test_claim_vanishes_with_its_mechanism_off",
    "sales_web_fixed": "tests/test_claims.py::test_claim_holds[co_evolution]",
}
"""Presets whose named outcome another test checks (520-week cycles are too slow here)."""

BY_KEY = {s.key: s for s in STORIES}


def test_every_preset_has_its_story_checked():
    told = {s.preset for s in STORIES} | set(COVERED)
    assert set(preset_names()) - told == set()
    assert told - set(preset_names()) == set()  # no story of a preset that is gone


@pytest.fixture(scope="module")
def stories() -> dict[str, ClaimResult]:
    results = run_claims([s.claim() for s in STORIES], SEEDS, conditions=("on",))
    return {r.claim.key: r for r in results}


def _params(keys: list[str]) -> list:
    return [
        pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=BY_KEY[k].xfail))
        if BY_KEY[k].xfail
        else k
        for k in keys
    ]


@pytest.mark.slow
@pytest.mark.parametrize("key", _params(list(BY_KEY)))
def test_the_preset_produces_its_story(stories, key):
    story, r = BY_KEY[key], stories[key]
    d = r.values["on"]["left"] - r.values["on"]["right"]
    mean = float(np.nanmean(d)) if np.isfinite(d).any() else float("nan")
    assert np.sign(mean) == story.sign, (
        f"{story.preset}: {story.says}; {story.left.label} - {story.right.label} = "
        f"{mean:.4g} on average over seeds {SEEDS} (per seed: {np.round(d, 4).tolist()})"
    )
