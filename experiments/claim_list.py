"""The essays' claims, each a paired experiment that meets the standard of docs/claims.md.

Every lever is a decision of the focal company (vendor 0: its strategy, price, when to
hire reps, qualification, whom it hires, the product it builds), taken in one named
market, or a market condition an essay names, each arm a named preset. The
mechanism-off switch sets a parameter of the mechanism the claim credits, never the
lever. :mod:`experiments.claim_standard` checks both; the presets' narratives say what
each market is and what it holds fixed.
"""

from __future__ import annotations

from experiments import claim_metrics as m
from experiments.claim_metrics import Metric
from experiments.claims import Claim, Requirement, Side
from sim.params import PARAMETERS

# ------------------------------------------------------------------------ metrics

FOCAL_WORTH = Metric("the focal company's ARR + cash (USD)", m.focal_worth)
FOCAL_RETENTION = Metric(
    "the focal company's ARR of accounts a year after landing / their first ACV",
    m.focal_account_retention,
)
FOCAL_FIRST_ACV = Metric("the focal company's first ACV of an account (USD)", m.focal_first_acv)
FIRST_YEAR_CAC = Metric(
    "rep spend per rep-won deal, the team's first year (USD)", m.first_year_sales_cac
)
SALES_CAC = Metric("rep spend per rep-won deal, whole run (USD)", m.sales_cac)
SIGNUPS = Metric("users who signed up for the focal company's product (run)", m.focal_signups)
CYCLES = Metric("full cycles of buyers' receptivity", m.receptivity_cycles)
LEAD = Metric("peak corr(receptivity now, reps 13-104 weeks later)", m.receptivity_leads_reps)
EXITS = Metric("exits of vendors with a sales motion", m.sales_vendor_exits)
FOCAL_CAC = Metric(
    "the focal company's CAC: sales and marketing per new customer (USD)", m.focal_cac
)
BU_ARR = Metric("bottoms-up ARR at the end (USD)", m.arr_bottoms_up)
USERS = Metric("self-serve users at the end", m.self_serve_users)
REP_WON_ACV = Metric("mean ACV of the deals the focal vendor's reps won (USD)", m.focal_rep_won_acv)
SALES_WORTH = Metric(
    "the focal company's ARR + cash as a hybrid minus as bottoms-up, in seat-years",
    m.focal_worth_in_acv,
)
REPLIES = Metric("replies per touch", m.replies_per_touch)
DEALS_PER_REP = Metric("deals won per rep-year", m.deals_per_rep_year)
ACCELERATING = Metric(
    "share of the starting bottoms-up companies whose user growth accelerates",
    m.accelerating_bottoms_up_share,
)


# -------------------------------------------------------------------- requirements


def _below_a_fifth(left: float, right: float) -> bool:
    return left < 0.2


def _negative_at_low_acv(left: float, right: float) -> bool:
    return right < 0 < left


def _two_cycles(left: float, right: float) -> bool:
    return left >= 2


# ------------------------------------------------------------------------- levers


def focal(label: str, **decision) -> Side:
    """An arm in which the focal company (vendor 0) takes ``decision``."""
    return Side(label, {"focal": decision})


def market(label: str, preset: str) -> Side:
    """An arm that runs in a named market (a preset)."""
    return Side(label, {}, scenario=preset)


GTM_BUDGET = 3 * PARAMETERS["rep_cost"].default
"""11,400 USD a week: three reps, spent on marketing by a bottoms-up company (seed 000:
"this new approach spends more on marketing than a traditional sales force")."""

FROZEN_USAGE = {
    "virality": 0.0,
    "user_churn": 0.0,
    "renewal_base": 1.0,
    "generational_change": False,
    "expansion_rollout": 0.0,
}
"""Usage after the sale frozen: no colleague spread, no user churn, no turnover, every
contract renews, no further rollout of an agreement (marketing still brings users)."""

REP_SCALE = 1000.0
"""Reps that cost a thousandth as much, hired a thousandth as fast per booking: the same
team, nearly free (the dual-motion switch)."""

CLAIMS: tuple[Claim, ...] = (
    Claim(
        key="viral_goes_bottoms_up",
        title="A viral collaboration product grows fastest bottoms-up",
        essay="seed 000",
        scenario="viral_purchaser_comes",
        lever="the focal company's strategy",
        lever_kind="decision",
        lever_params=("strategy",),
        needs=("user_is_buyer",),
        left=focal("bottoms-up", strategy="bottoms_up"),
        right=focal("direct", strategy="direct"),
        metric=FOCAL_WORTH,
        expected_sign=1,
        mechanism="colleague contagion",
        mechanism_off={"virality": 0.0},
        secondary=(SIGNUPS,),
        note="Yammer's product in the essay's market, where the purchaser comes once users value the product (the preset). The focal company spends the same 11,400 USD a week on go-to-market either way: bottoms-up on marketing, direct on three reps (and then nothing on marketing; reps hired later from bookings add to it); its direct rival spends 11,400 on three reps. Virality 0 removes colleague-to-colleague spread.",
    ),
    Claim(
        key="infrastructure_goes_direct",
        title="Infrastructure does better direct",
        essay="seed 000",
        scenario="datastax_direct",
        lever="the focal company's strategy",
        lever_kind="decision",
        lever_params=("strategy",),
        left=focal("bottoms-up", strategy="bottoms_up", marketing_spend=GTM_BUDGET),
        right=focal("direct", strategy="direct", marketing_spend=GTM_BUDGET),
        metric=FOCAL_WORTH,
        expected_sign=-1,
        mechanism="reps prospect, qualify and close enterprise deals",
        mechanism_off={"base_win_rate": 0.0},
        note="DataStax's product (one team uses it, nobody invites anyone) in the calibrated market, against a direct rival; the focal company spends 11,400 USD a week either way (on marketing bottoms-up, on three reps direct). With `base_win_rate = 0` reps close nothing, so whatever is left of the direct company's lead would come from not paying for marketing.",
    ),
    Claim(
        key="user_not_buyer",
        title="Bottoms-up loses to direct when the user is not the buyer, not when they are",
        essay="seed 003",
        scenario="yammer_viral",
        lever="the focal company's strategy",
        lever_kind="decision",
        lever_params=("strategy",),
        needs=("user_is_buyer",),
        left=focal("bottoms-up", strategy="bottoms_up", marketing_spend=GTM_BUDGET),
        right=focal("direct", strategy="direct", marketing_spend=GTM_BUDGET),
        metric=FOCAL_WORTH,
        expected_sign=-1,
        mechanism="the purchaser who never comes (bottoms-up leads do not convert)",
        mechanism_off={"user_is_buyer": 1.0},
        note="Yammer's product in the calibrated market, where one ripe team's purchaser in five comes forward (`user_is_buyer = 0.2`); the budgets are those of `viral_goes_bottoms_up`. Switched off, every purchaser comes (`user_is_buyer = 1`, the market of `viral_purchaser_comes`): the claim is that bottoms-up then no longer trails.",
    ),
    Claim(
        key="product_that_works_expands",
        title="A product that works expands",
        essay="seed 001",
        scenario="land_and_expand",
        lever="the focal company's product: one that works or not",
        lever_kind="decision",
        lever_params=("quality",),
        left=focal("quality 0.9", quality=0.9),
        right=focal("quality 0.3", quality=0.3),
        metric=FOCAL_RETENTION,
        expected_sign=1,
        mechanism="usage grows or shrinks after the sale",
        mechanism_off=FROZEN_USAGE,
        note="The focal company's accounts, a ratio read at the same account age (a year after landing, lost accounts at 0), so it does not grow with the number of contracts; its three rivals keep the preset's product. The preset holds cash (no exits) and lets the team that uses the product buy it.",
    ),
    Claim(
        key="checks_start_small",
        title="Bottoms-up checks start small and grow more than direct ones",
        essay="seed 001",
        scenario="land_and_expand",
        lever="the focal company's strategy",
        lever_kind="decision",
        lever_params=("strategy",),
        left=focal("bottoms-up", strategy="bottoms_up"),
        right=focal("direct", strategy="direct"),
        metric=FOCAL_RETENTION,
        expected_sign=1,
        mechanism="usage grows or shrinks after the sale",
        mechanism_off=FROZEN_USAGE,
        secondary=(FOCAL_FIRST_ACV,),
        note="The same company sells bottoms-up (a team plan first, then an agreement when the purchaser comes) or direct (a rep-sold agreement with a mandated rollout); the metric is what its accounts are worth a year after landing over their first ACV, and the first ACV is a second line (smaller bottoms-up: the check starts small).",
    ),
    Claim(
        key="sales_too_early",
        title="Hiring sales before organic growth raises CAC",
        essay="seed 003",
        scenario="sales_too_early",
        lever="when the focal company hires its reps",
        lever_kind="decision",
        lever_params=("sales_start_week",),
        left=focal("reps from week 0", sales_start_week=0),
        right=focal("reps from week 52", sales_start_week=52),
        metric=FIRST_YEAR_CAC,
        expected_sign=1,
        mechanism="warm advantage: champions inside, reps go where users are, purchasers come in",
        mechanism_off={
            "champion_boost": 0.0,
            "hybrid_user_preference": 1.0,
            "enterprise_trigger_share": 1.0,
        },
        secondary=(SALES_CAC,),
        note="One hybrid company with the same four reps (no hiring, attrition or ramp); the metric is rep spend per rep-won deal over each team's first year of selling, so the same reps are compared over the same length of time. The warm advantage is switched off whole: no champion bonus, no targeting of enterprises with users, and no purchaser coming in (`enterprise_trigger_share = 1`), since inbound deals from ripe teams are warm too.",
    ),
    Claim(
        key="golden_goose",
        title="A bottoms-up company that adds outbound reps loses viral growth",
        essay="seed 003",
        scenario="golden_goose",
        lever="the focal company's strategy",
        lever_kind="decision",
        lever_params=("strategy",),
        left=focal("adds reps (hybrid)", strategy="hybrid"),
        right=focal("stays bottoms-up", strategy="bottoms_up"),
        metric=SIGNUPS,
        expected_sign=-1,
        mechanism="outbound touches erode the brand",
        mechanism_off={"brand_erosion": 0.0},
        secondary=(USERS, FOCAL_WORTH),
        note="The default market where every outbound touch erodes the vendor's brand in that enterprise (the preset; its rivals are the default market's). Its calibrated outputs are in their bands; its freemium conversion is higher than the default market's (0.087 +- 0.006 against 0.076 +- 0.004 on tuning seeds 101-110, `salesweb calibrate --scenario golden_goose --seeds 10 --first-seed 101`; band 0.02-0.10): erosion thins sign-ups more than purchases. The metric counts sign-ups (self-serve adoptions, by marketing or colleagues), not users, so the reps' mandated rollouts do not count as viral growth; they do seed colleagues, which is why, with erosion off, the hybrid may sign up more.",
    ),
    Claim(
        key="dual_motion",
        title="Dual motion pays only when ACV covers both motions",
        essay="seed 003",
        scenario="dual_motion",
        lever="the focal company's seat price",
        lever_kind="decision",
        lever_params=("seat_price",),
        left=focal("seat price 40", seat_price=40.0),
        right=focal("seat price 0.5", seat_price=0.5),
        metric=SALES_WORTH,
        secondary=(REP_WON_ACV,),
        expected_sign=1,
        mechanism="reps cost money",
        mechanism_off={
            "rep_cost": PARAMETERS["rep_cost"].default / REP_SCALE,
            "rep_hiring_rate": PARAMETERS["rep_hiring_rate"].default / REP_SCALE,
        },
        baseline={"focal": {"strategy": "bottoms_up"}},
        requirement=Requirement(
            "the hybrid behind its bottoms-up self at low ACV, ahead at high ACV",
            _negative_at_low_acv,
        ),
        note="What overlaying sales is worth to one company: the focal company as a hybrid minus the same company staying bottoms-up (same seed, same bottoms-up rival at 5 USD a seat), at each of its prices, in seat-years (ARR + cash over a one-seat agreement's ACV). The reps are hired from bookings and leave at the market's attrition (the reference hiring rule: reps hired at a rate per dollar booked, every booking counted, no layoffs; the default market sizes a team to its rep-won ACV at a quota of 5x its cost and cuts one booking below 2.5x), so the team grows with what it sells: the effect is no accounting identity. Switched off, reps cost a thousandth as much and are hired a thousandth as fast per dollar booked (the same team, nearly free). The arms are Christoph Janz's 'rabbits' (an ACV of about 1k) and 'elephants' (about 100k), read on the rep-won ACV (second line): the low arm's price is the one whose rep-won ACV is nearest a rabbit's on tuning seeds 101-120 (0.4 USD: 882, 0.5: 1,102, 1: 2,187, 2: 4,373; until the nineteenth session it was 2 USD, whose 4.4k is nearer a deer's 10k than a rabbit's on a log scale). `salesweb claims --breakeven` finds each seed's breakeven price.",
    ),
    Claim(
        key="careful_qualification",
        title="Careful qualification lowers CAC",
        essay="seed 002",
        scenario="default",
        lever="the focal company's qualification",
        lever_kind="decision",
        lever_params=("qualification",),
        left=focal("qualifies at 0.5", strategy="direct", qualification=0.5),
        right=focal("chases everything", strategy="direct", qualification=0.0),
        metric=FOCAL_CAC,
        expected_sign=-1,
        mechanism="the prospect's effort predicts the close",
        mechanism_off={"effort_win_weight": 0.0},
        note="A direct company in the calibrated market (its rivals qualify at the default 0.4). With `effort_win_weight = 0` the prospect's effort no longer predicts the close, so qualifying drops deals as good as the rest and only its cost is left. The `careful_qualification` preset, whose reps carry four deals and make sixty touches a week while every rival chases everything, is a preset story, not this claim's market.",
    ),
    Claim(
        key="warm_network",
        title="Reps who bring their own network win customers for less",
        essay="seed 002",
        scenario="default",
        lever="whom the focal company hires: reps with their own network",
        lever_kind="decision",
        lever_params=("warm_intro_share",),
        left=focal("half its touches warm", strategy="direct", warm_intro_share=0.5),
        right=focal("strangers", strategy="direct", warm_intro_share=0.0),
        metric=FOCAL_CAC,
        expected_sign=-1,
        mechanism="a relationship: the warm buyer answers more often and engages more",
        mechanism_off={"warm_intro_boost": 1.0},
        note="A direct company in the calibrated market (its rivals' reps make a tenth of their touches through their networks). A warm introduction is answered `warm_intro_boost` (3) times as often and its prospect engages like the most engaged of three strangers (docs/model.md, 'Warm introductions'): the engagement is what qualification, the deal's pace and the close read. With `warm_intro_boost = 1` a warm touch is a cold one, so the arms are the same run. With the reply boost alone (`warm_engagement = false`) a rep's pipeline is bounded by its capacity, not by replies, and the effect is not significant (tuning seeds 101-120: -1.7k +- 1.3k, -1.6k +- 1.5k on the engine before the engagement; `PYTHONPATH=. python -m experiments.investigations.warm_engagement`).",
    ),
    Claim(
        key="attention_binds",
        title="Sales gets harder as vendors crowd the buyers",
        essay="seed 003",
        scenario="default",
        lever="the market: buyers pitched by the whole software industry",
        lever_kind="market",
        lever_params=("background_touches",),
        left=market("oversubscribed by the industry", "industry_pressure"),
        right=market("this category alone", "default"),
        metric=DEALS_PER_REP,
        expected_sign=-1,
        mechanism="buyers' attention wears down under touches",
        mechanism_off={"touch_fatigue": 0.0},
        secondary=(REPLIES,),
        note="The default market whose buyers are also pitched by other categories' vendors, as many touches again as this category makes (preset `industry_pressure`). Without fatigue a touch takes no attention and the arms are the same run. The claim was first tested as twice the vendors (preset `oversubscribed`); it lost its effect when the default market doubled (reported seeds 0-39: +0.26 +- 0.27 deals per rep-year, tuning seeds 101-120: -0.25 +- 0.48) because vendors hire from their bookings and twice the vendors split about the same sales force: this category's pressure is what its market pays for. Other categories' pressure does not answer to this category's hiring (`PYTHONPATH=. python -m experiments.investigations.industry_pressure`, tuning seeds 101-120: -1.33 +- 0.29 here, both versions printed).",
    ),
    Claim(
        key="co_evolution",
        title="Vendors and buyers co-evolve",
        essay="seed 004",
        scenario="sales_web_cycle",
        lever="the market: a sales force that follows its bookings, or one held still",
        lever_kind="market",
        lever_params=("rep_hiring_rate", "rep_attrition", "entry_rate", "initial_cash"),
        left=market("sales force follows bookings", "sales_web_cycle"),
        right=market("sales force held still", "sales_web_fixed"),
        metric=CYCLES,
        expected_sign=1,
        mechanism="buyers' attention wears down under touches",
        mechanism_off={"touch_fatigue": 0.0},
        steps=520,
        requirement=Requirement("at least two full cycles in 520 weeks", _two_cycles),
        secondary=(LEAD, EXITS),
        note="The metric counts full cycles of buyers' mean receptivity (a rise and a fall of 0.05 each, on a quarter's moving average) over 520 weeks. The foxes: vendors who hire from bookings, lose reps, enter and exit; held still, twenty vendors keep six reps each. The hares: buyers whose attention wears down under touches; with no fatigue there is nothing to cycle.",
    ),
    Claim(
        key="generational_change",
        title="Bottoms-up revenue rises as a more open generation takes over",
        essay="seed 000",
        scenario="generational_shift",
        lever="the market: newcomers more open than those they replace, or not",
        lever_kind="market",
        lever_params=("openness_drift",),
        left=market("a more open generation", "generational_shift"),
        right=market("the same generation", "same_generation"),
        metric=BU_ARR,
        expected_sign=1,
        mechanism="turnover: people leave and newcomers take their seats",
        mechanism_off={"generational_change": False},
        secondary=(USERS,),
        # no vendor here ever sells outbound (bottoms-up at the start and on entry), so the
        # first candidates' outbound parameters (receptivity recovery, base win rate) would
        # move nothing: the first three candidates that act in a market without sales
        robust_to=("n_enterprises", "user_churn", "marketing_reach"),
        note="The default market with bottoms-up vendors only, entrants too (where they live: on the reference model's parameters every one of them was out of business, and revenue was 0 in both arms), ten years, people changing jobs every three; the newcomers' openness rises by 0.04 a year, or not at all. The metric is the revenue that openness turns into (through sign-ups, newcomers invited into their team's tool, and purchasers on committees the new generation takes over: docs/model.md, section 11), not openness itself. Without turnover nobody is replaced, so the two markets are one run.",
    ),
    Claim(
        key="superlinear_rare",
        title="Super-linear growth from bottoms-up alone is rare",
        essay="seed 003",
        scenario="default",
        lever="the market: the default product, or the essay's exceptions",
        lever_kind="market",
        lever_params=("collaborative", "virality"),
        left=market("default market", "default"),
        right=market("exceptions (Dropbox, Atlassian)", "bottoms_up_exception"),
        metric=ACCELERATING,
        expected_sign=-1,
        mechanism="word of mouth: a collaboration product spreads from colleague to colleague",
        mechanism_off={"adoption_threshold": 10},
        requirement=Requirement(
            "fewer than one bottoms-up company in five grows super-linearly in the default market",
            _below_a_fifth,
        ),
        note="A company grows super-linearly when some later quarter adds at least twice the users its first quarter did (quarters, because the exceptions' compounding runs its course within three quarters: `experiments/claim_metrics.py`). The default product spreads below the epidemic threshold (a K-factor of 0.66), so growth comes from marketing and is linear or tapers; the exceptions' collaboration product compounds through teams. Switched off, a collaboration product needs ten colleagues on it before it spreads to anyone (the most the model allows; the default market asks one, docs/model.md): the exceptions then grow like everyone else.",
    ),
)
