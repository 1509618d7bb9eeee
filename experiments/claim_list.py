"""The twelve claims of the essays, each as one lever, one metric and one switch.

Every claim varies only the lever it names; the preset it starts from holds the rest
fixed (its narrative says what and why). ``mechanism_off`` switches off the mechanism
the claim names, in both arms.
"""

from __future__ import annotations

from experiments import claim_metrics as m
from experiments.claim_metrics import Metric
from experiments.claims import Claim, Requirement, Side
from sim.params import PARAMETERS
from sim.scenarios import load_scenario

# the levers' values that come from a preset or a default, read where they are set
CYCLE_FATIGUE = load_scenario("sales_web_cycle").params["touch_fatigue"]
DEFAULT_FATIGUE = load_scenario("default").params.get(
    "touch_fatigue", PARAMETERS["touch_fatigue"].default
)  # the default market's, which the claim's right arm names

BU_EDGE = Metric("bottoms-up minus direct, ARR + cash (USD)", m.bottoms_up_edge_over_direct)
NRR = Metric("ARR of accounts a year after landing / first ACV", m.account_retention_at_one_year)
TRAILING_NRR = Metric("trailing NRR, mean of the last two years", m.net_revenue_retention)
FIRST_ACV = Metric("first team-plan ACV (USD)", m.first_team_plan_acv)
LATER_ACV = Metric("same accounts' ACV a year later (USD)", m.team_plan_acv_a_year_later)
FIRST_YEAR_CAC = Metric(
    "rep spend per rep-won deal, the team's first year (USD)", m.first_year_sales_cac
)
SALES_CAC = Metric("rep spend per rep-won deal, whole run (USD)", m.sales_cac)
CYCLES = Metric("full cycles of buyers' receptivity", m.receptivity_cycles)
LEAD = Metric("peak corr(receptivity now, reps 13-104 weeks later)", m.receptivity_leads_reps)
EXITS = Metric("exits of vendors with a sales motion", m.sales_vendor_exits)
CAC = Metric("CAC: sales and marketing per new customer (USD)", m.cac)
FOCAL_CAC = Metric(
    "the focal vendor's CAC: sales and marketing per new customer (USD)", m.focal_cac
)
USERS = Metric("self-serve users at the end", m.self_serve_users)
BU_ARR = Metric("bottoms-up ARR at the end (USD)", m.arr_bottoms_up)
REP_WON_ACV = Metric("mean ACV of the deals the focal vendor's reps won (USD)", m.focal_rep_won_acv)
SALES_WORTH = Metric(
    "the focal vendor's ARR + cash as a hybrid minus as bottoms-up, in seat-years",
    m.focal_worth_in_acv,
)
REPLIES = Metric("replies per touch", m.replies_per_touch)
OPENNESS = Metric("mean openness at the end", m.mean_openness)
DEALS = Metric("deals won by reps", m.deals_won)


def _flips(left: float, right: float) -> bool:
    return left > 0 > right


def _below_half(left: float, right: float) -> bool:
    return left < 0.5 * right


def _negative_at_low_acv(left: float, right: float) -> bool:
    return right < 0 < left


def _two_cycles(left: float, right: float) -> bool:
    return left >= 2


def _half_again(left: float, right: float) -> bool:
    return left >= 1.5 * right


FROZEN_USAGE = {
    "virality": 0.0,
    "user_churn": 0.0,
    "renewal_base": 1.0,
    "generational_change": False,
    "expansion_rollout": 0.0,
}
"""Usage after the sale frozen: no colleague spread, no user churn, no turnover, every
contract renews, no further rollout of an agreement (marketing still brings users)."""

CLAIMS: tuple[Claim, ...] = (
    Claim(
        key="viral_vs_infrastructure",
        title="A viral collaboration product grows fastest bottoms-up, infrastructure does better direct",
        essay="seed 000",
        scenario="viral_or_infrastructure",
        lever="product: virality and collaborative",
        left=Side(
            "viral collaboration (0.04, collaborative)", {"virality": 0.04, "collaborative": True}
        ),
        right=Side(
            "infrastructure (0.001, not collaborative)", {"virality": 0.001, "collaborative": False}
        ),
        metric=BU_EDGE,
        expected_sign=1,
        mechanism="colleague contagion",
        mechanism_off={"virality": 0.0},
        requirement=Requirement(
            "bottoms-up ahead for the viral product, direct ahead for infrastructure", _flips
        ),
        note="One market, two vendors of equal quality and price (so equal ACV per seat), one bottoms-up and one direct; only the product changes, to the products of the `yammer_viral` and `datastax_direct` presets. Virality 0 in both arms removes colleague-to-colleague spread (collaborative still differs, through churn). The market is the essay's: the purchaser comes to the vendor once enough users value the product (`user_is_buyer = 1` in both arms), and the two vendors start with the same go-to-market budget, the bottoms-up one spending on marketing (13,400 USD a week) what the direct one spends on marketing and three reps. Both conditions are needed, and the race stays a lottery for the viral product: over seeds 0-39 its bottoms-up vendor leads in 29. Measured with `experiments.claims.run_claims(..., size=overrides)`, which applies the overrides to every run: at the calibrated `user_is_buyer = 0.2` the viral product's bottoms-up vendor trails in 9 of 10 seeds, by 12.9M on average, and the effect (2.7M ± 2.8M) no longer holds; with `user_is_buyer = 1` and the same 2,000 USD a week of marketing for both vendors it leads in 9 of 20 seeds and trails by 1.8M on average, while the effect holds (13.6M ± 2.1M).",
    ),
    Claim(
        key="product_that_works_expands",
        title="A product that works expands",
        essay="seed 001",
        scenario="land_and_expand",
        lever="quality",
        left=Side("quality 0.9", {"quality": 0.9}),
        right=Side("quality 0.3", {"quality": 0.3}),
        metric=NRR,
        expected_sign=1,
        mechanism="usage grows or shrinks after the sale",
        mechanism_off=FROZEN_USAGE,
        secondary=(TRAILING_NRR,),
        note="The metric is a ratio read at the same account age (a year after landing, lost accounts at 0), not a dollar total that grows with the number of contracts. The trailing NRR of the whole book is a second line; it depends on how far the market has saturated when it is read, so it is not the claim's test. The preset holds cash (no exits) and lets the team that uses the product buy it.",
    ),
    Claim(
        key="checks_start_small",
        title="Bottoms-up checks start small and grow",
        essay="seed 001",
        scenario="land_and_expand",
        lever="time: a year after the first check",
        left=Side("a year later", {}, LATER_ACV),
        right=Side("first check", {}, FIRST_ACV),
        metric=Metric("ACV of accounts that landed on a team plan (USD)", m.first_team_plan_acv),
        expected_sign=1,
        mechanism="usage grows or shrinks after the sale",
        mechanism_off=FROZEN_USAGE,
        note="One run read two ways: the mean first ACV of accounts that landed on a team plan, and the same accounts' ACV a year later (lost ones at 0). Only accounts that landed at least a year before the end count.",
    ),
    Claim(
        key="sales_too_early",
        title="Hiring sales before organic growth raises CAC",
        essay="seed 003",
        scenario="sales_too_early",
        lever="sales_start_week",
        left=Side("reps from week 0", {"sales_start_week": 0}),
        right=Side("reps from week 52", {"sales_start_week": 52}),
        metric=FIRST_YEAR_CAC,
        expected_sign=1,
        mechanism="warm advantage: champions inside, reps go where users are, purchasers come in",
        mechanism_off={
            "champion_boost": 0.0,
            "hybrid_user_preference": 1.0,
            "enterprise_trigger_share": 1.0,
        },
        secondary=(SALES_CAC,),
        note="One hybrid vendor with the same four reps (no hiring, attrition or ramp); the metric is rep spend per rep-won deal over each team's first year of selling, so the same reps are compared over the same length of time. The warm advantage is switched off whole: no champion bonus, no targeting of enterprises with users, and no purchaser coming in (`enterprise_trigger_share = 1`), since inbound deals from ripe teams are warm too.",
    ),
    Claim(
        key="golden_goose",
        title="Outbound erodes the brand and slows viral growth",
        essay="seed 003",
        scenario="golden_goose",
        lever="brand_erosion",
        left=Side("erosion 0.05", {"brand_erosion": 0.05}),
        right=Side("no erosion", {"brand_erosion": 0.0}),
        metric=USERS,
        expected_sign=-1,
        mechanism="outbound touches",
        mechanism_off={"touches_per_rep": 0},
        note="Six hybrid vendors with cash enough to outlast the horizon. With no outbound touches the brand cannot erode, so the arms are the same run.",
    ),
    Claim(
        key="user_not_buyer",
        title="When the user is not the buyer, bottoms-up leads barely convert",
        essay="seed 003",
        scenario="user_not_buyer",
        lever="user_is_buyer",
        left=Side("user_is_buyer 0.1", {"user_is_buyer": 0.1}),
        right=Side("user_is_buyer 1.0", {"user_is_buyer": 1.0}),
        metric=BU_ARR,
        expected_sign=-1,
        mechanism="purchases the purchaser gates",
        mechanism_off={"inbound_close_rate": 0.0},
        requirement=Requirement("ARR at 0.1 below half of ARR at 1.0", _below_half),
        note="Bottoms-up vendors only, with cash enough to outlast the horizon, so ARR measures conversion, not survival. With no inbound close every bottoms-up purchase is off, so ARR is 0 in both arms.",
    ),
    Claim(
        key="dual_motion",
        title="Dual motion pays only when ACV covers both motions",
        essay="seed 003",
        scenario="dual_motion",
        lever="seat_price",
        left=Side("seat price 40", {"seat_price": 40.0}),
        right=Side("seat price 2", {"seat_price": 2.0}),
        metric=SALES_WORTH,
        secondary=(REP_WON_ACV,),
        expected_sign=1,
        mechanism="reps cost money",
        mechanism_off={"rep_cost": 1.0},
        baseline={"vendors": [{"strategy": "bottoms_up"}, {"strategy": "bottoms_up"}]},
        requirement=Requirement(
            "the hybrid behind its bottoms-up self at low ACV, ahead at high ACV",
            _negative_at_low_acv,
        ),
        note="What overlaying sales is worth to one company: the focal vendor as a hybrid minus the same vendor staying bottoms-up (same seed, same bottoms-up rival), at each price. The arms are set by the ACV the reps' deals carry (the second line): at 2 USD a seat a month the mean rep-won ACV is about 3k USD, between Christoph Janz's 'rabbits' (ACV about 1k, sold without reps) and 'deer' (about 10k, inside sales); at 40 USD about 62k, between 'deer' and 'elephants' (about 100k, field sales). The reps stay the same at every price (no hiring from bookings) and nobody exits, so the price only scales revenue: the edge is divided by a one-seat agreement's ACV (seat-years), in which units it moves with price only through what the reps cost, as a - b / price; the two arms give a and b, and the breakeven price b / a. With reps at 1 USD a week it must not move.",
    ),
    Claim(
        key="careful_qualification",
        title="Careful qualification lowers CAC",
        essay="seed 002",
        scenario="careful_qualification",
        lever="the focal vendor's qualification",
        left=Side("focal qualifies at 0.5", {"vendors": [{"qualification": 0.5}]}),
        right=Side("focal chases everything", {"vendors": [{"qualification": 0.0}]}),
        metric=FOCAL_CAC,
        expected_sign=-1,
        mechanism="the prospect's effort predicts the close",
        mechanism_off={"effort_win_weight": 0.0},
        secondary=(CAC,),
        note="Six direct vendors with a fixed sales team and cash enough to outlast the horizon; the five rivals chase every prospect (seed 002: very few sales people qualify well) and only the focal vendor's discipline changes. With `effort_win_weight = 0` the prospect's effort no longer predicts the close, so qualifying drops deals as good as the rest and only its cost is left. The CAC of the whole market is a second line: the focal vendor's freed capacity becomes more outbound touches on the buyers every vendor shares.",
    ),
    Claim(
        key="warm_network",
        title="Reps who bring their own network win customers for less",
        essay="seed 002",
        scenario="warm_network",
        lever="warm_intro_share",
        left=Side("warm share 0.5", {"warm_intro_share": 0.5}),
        right=Side("warm share 0", {"warm_intro_share": 0.0}),
        metric=CAC,
        expected_sign=-1,
        mechanism="warm introductions are answered more often",
        mechanism_off={"warm_intro_boost": 1.0},
        secondary=(REPLIES,),
        note="Direct vendors with a fixed sales team and cash enough to outlast the horizon; replies per touch as a second line. With `warm_intro_boost = 1` a warm touch is a cold one.",
    ),
    Claim(
        key="co_evolution",
        title="Vendors and buyers co-evolve",
        essay="seed 004",
        scenario="sales_web_cycle",
        lever="touch_fatigue",
        left=Side(f"fatigue {CYCLE_FATIGUE:g} (preset)", {"touch_fatigue": CYCLE_FATIGUE}),
        right=Side("no fatigue", {"touch_fatigue": 0.0}),
        metric=CYCLES,
        expected_sign=1,
        mechanism="the sales force follows buyers: hiring from bookings, entry, attrition, exit",
        mechanism_off={
            "rep_hiring_rate": 0.0,
            "rep_attrition": 0.0,
            "entry_rate": 0.0,
            "initial_cash": 1e10,
        },
        steps=520,
        requirement=Requirement("at least two full cycles in 520 weeks with fatigue", _two_cycles),
        secondary=(LEAD, EXITS),
        note="The metric counts full cycles of buyers' mean receptivity (a rise and a fall of 0.05 each, on a quarter's moving average) over 520 weeks. Switched off, the sales force cannot follow the buyers: no hiring, no attrition, no entry, and cash enough that nobody exits. The issue's cross-correlation (receptivity now, reps later) and the exits are second lines.",
    ),
    Claim(
        key="generational_change",
        title="Openness rises as the workforce turns over",
        essay="seed 000",
        scenario="generational_shift",
        lever="openness_drift",
        left=Side("drift 0.01 a year", {"openness_drift": 0.01}),
        right=Side("no drift", {"openness_drift": 0.0}),
        metric=OPENNESS,
        expected_sign=1,
        mechanism="generational change",
        mechanism_off={"generational_change": False},
        note="Without turnover nobody is replaced, so the drift has no one to act on.",
    ),
    Claim(
        key="attention_binds",
        title="Buyers' attention binds",
        essay="seed 003, seed 004",
        scenario="default",
        lever="touch_fatigue",
        left=Side("no fatigue", {"touch_fatigue": 0.0}),
        right=Side(f"fatigue {DEFAULT_FATIGUE:g} (default)", {"touch_fatigue": DEFAULT_FATIGUE}),
        metric=DEALS,
        expected_sign=1,
        mechanism="fatigue accumulates across weeks",
        mechanism_off={"receptivity_recovery": 1.0},
        requirement=Requirement("at least 50% more deals won without fatigue", _half_again),
        note="The default market. With receptivity recovering fully every week (`receptivity_recovery = 1`) fatigue cannot carry over from one week to the next.",
    ),
)
