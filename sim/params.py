"""The one list of every model parameter: default, allowed range, unit, group, meaning.

The CLI (`salesweb params`), the browser app's controls and the docs are all generated
from :data:`PARAMETERS`, so a parameter is added in exactly one place. Validation lives
here too, so that every entry point (Python API, CLI, TOML scenario, GUI) rejects bad
input with the same one-line message naming the parameter, the value and what is allowed.

References for the defaults are in docs/model.md ("Defaults and where they come from").
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any

STRATEGIES: tuple[str, ...] = ("bottoms_up", "direct", "hybrid")
ORG_NETWORKS: tuple[str, ...] = ("hierarchy", "small_world", "complete")


class ParameterError(ValueError):
    """A parameter is unknown, of the wrong type or out of its allowed range."""


@dataclass(frozen=True)
class Param:
    """Metadata for one model parameter.

    Parameters
    ----------
    name : str
        Keyword argument of :class:`sim.MarketModel` and attribute on the model.
    default : Any
        Value used when neither a scenario nor the caller sets it.
    kind : str
        ``"int"``, ``"float"``, ``"bool"``, ``"choice"`` or ``"mix"`` (three shares).
    low, high : float or None
        Inclusive bounds for numbers.
    unit : str
        Unit shown next to the control ("per week", "USD", "employees", ...).
    group : str
        Heading the GUI and the docs put the parameter under.
    description : str
        One line: what the parameter does.
    choices : tuple of str
        Allowed values for ``kind == "choice"``.
    source : str
        Where the default comes from (docs/model.md, "Defaults and where they come from").
    label : str
        The parameter in plain words, for a strategist ("reps at launch"); from
        :data:`LABELS`, else the name with spaces.
    """

    name: str
    default: Any
    kind: str
    low: float | None = None
    high: float | None = None
    unit: str = ""
    group: str = "market"
    description: str = ""
    choices: tuple[str, ...] = ()
    source: str = ""
    label: str = ""

    def allowed(self) -> str:
        """Human-readable statement of what values are allowed."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "mix":
            return "three non-negative shares bottoms_up:direct:hybrid, not all zero"
        return f"a{'n integer' if self.kind == 'int' else ' number'} in [{_fmt(self.low)}, {_fmt(self.high)}]"

    def validate(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ParameterError."""
        bad = ParameterError(
            f"parameter {self.name!r}: {value!r} is not allowed; expected {self.allowed()}"
        )
        if self.kind == "bool":
            if isinstance(value, bool | int) and value in (0, 1):
                return bool(value)
            if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
                return value.lower() in ("true", "1", "yes")
            raise bad
        if self.kind == "choice":
            if value in self.choices:
                return value
            raise bad
        if self.kind == "mix":
            return _validate_mix(value, bad)
        if isinstance(value, bool):
            raise bad
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise bad from None
        if not isinstance(value, int | float) or isinstance(value, complex):
            try:
                value = float(value)  # numpy scalars
            except (TypeError, ValueError):
                raise bad from None
        if not math.isfinite(value):
            raise bad
        if self.kind == "int":
            if float(value) != int(value):
                raise bad
            value = int(value)
        else:
            value = float(value)
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise bad
        return value


def _fmt(x: float | None) -> str:
    if x is None:
        return "-inf"
    return f"{x:g}"


def _validate_mix(value: Any, bad: ParameterError) -> tuple[float, float, float]:
    if isinstance(value, str):
        parts = value.replace(",", ":").replace("/", ":").split(":")
        if len(parts) != 3:
            raise bad
        try:
            value = [float(p) for p in parts]
        except ValueError:
            raise bad from None
    elif isinstance(value, dict):
        if set(value) - set(STRATEGIES):
            raise bad
        value = [value.get(s, 0.0) for s in STRATEGIES]
    try:
        shares = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        raise bad from None
    if len(shares) != 3 or any(not math.isfinite(s) or s < 0 for s in shares):
        raise bad
    total = sum(shares)
    if not math.isfinite(total):  # 1e308 + 1e308: scale down first
        shares = tuple(s / max(shares) for s in shares)
        total = sum(shares)
    if total <= 0:
        raise bad
    return tuple(s / total for s in shares)  # type: ignore[return-value]


# Where a default comes from (docs/model.md, "Defaults and where they come from").
SOURCES: dict[str, str] = {
    "committee_size": "Gartner: 6-10 buyers; CEB: 5.4",
    "span_of_control": "management surveys: 9-11 direct reports",
    "base_win_rate": "B2B win rates 15-30%",
    "sales_cycle_weeks": "median B2B cycle about 84 days, longer for bigger deals",
    "rep_cost": "OTE about 200k a year; quota 4-6 x OTE",
    "user_churn": "SMB logo churn about 3% a month",
    "receptivity_initial": "cold email reply rates about 3.4% once buyers are oversubscribed",
    "virality": "K-factor 0.1-0.6 per user: virality x quality x degree 13 x lifetime 145 weeks = 0.66",
    "adoption_threshold": "collaboration tools need 2-3 teammates (Centola and Macy 2007)",
    "enterprise_size_min": "Zipf firm sizes (Axtell 2001)",
    "enterprise_size_max": "Zipf firm sizes (Axtell 2001)",
    "cross_team_ties": "email networks: mean degree 10-25, clustering 0.3-0.5",
    "team_plan_users": "freemium conversion (users to paid) about 2-5%",
    "cross_team_locality": "Kossinets and Watts 2006: most email ties stay within a unit",
    "marketing_saturation": "advertising response curves are concave (Little 1979; Hanssens et al. 2001)",
    "lost_deal_cooloff_weeks": "closed-lost accounts are typically re-engaged after 6-12 months",
    "sales_start_week": "seed 003: hiring sales before organic growth raises CAC",
    "effort_win_weight": "seed 002: the prospect's effort predicts the close",
    "effort_pace_weight": "seed 002: 'if you call five times before the prospect returns your call that is not equality': the least engaged prospect moves at a fifth of the most engaged one's pace, (1 - w) / (1 + w) = 1/5",
    "inbound_speedup": "inbound leads close in about half the time of outbound ones",
    "hybrid_user_preference": "seed 003: bottoms-up as lead generation for direct",
    "volume_discount": "enterprise volume discounts of 20-40% on list",
    "renewal_window_weeks": "competitive displacement is pitched in the last quarter before renewal",
    "attractiveness_cap": "entry saturates: a finite pool of founders and capital",
    "displacement_win_factor": "competitive displacements win far less often than greenfield deals (switching costs)",
    "warm_engagement": "seed 002: 'what matters is the depth and quality of those relationships. Sales is all about what have you done for me, or somebody like me that I can relate to, recently?'",
    "expansion_rollout": "seed 001: land and expand; enterprise NRR about 118%",
    "entry_floor": "seed 004: vendors return to a market whose buyers have rested",
    "shakeout_rate": "industry shakeouts: the number of firms falls as a market matures, later and smaller entrants leaving (Klepper 1996; Klepper and Simons 2000)",
    "shakeout_scale": "a venture-backed company far below its category's leader a few years in cannot raise its next round",
    "shakeout_age": "about three years from founding to the round that needs scale (seed to Series B)",
    "attractiveness_tenure": "investors read a category by its incumbents' track record (herding into hot categories); seed 004: vendors return in waves",
    "entry_strategy": "a category's go-to-market motion: entrants into a commodity sales market sell through reps",
    "switch_margin": "strategy switches need a clear gap (costly to change motion)",
    "budget_per_employee": "a cap above the calibrated category spend (about 300 USD per employee)",
    "marketing_reach": "Bass p about 0.03 a year (Sultan et al. 1990): 8 vendors x 0.001 x 0.29 x 0.21 = 0.025",
    "touch_fatigue": "calibrated: reply rate 1-8% (about 3.4%); a touch is one outreach sequence",
    "receptivity_recovery": "calibrated with touch_fatigue: attention flux c B / f binds deals (docs/model.md)",
    "touches_per_rep": "calibrated: reply rate 1-8% with buyers' attention binding",
    "rep_capacity": "AE pipelines of 15-30 open opportunities",
    "rep_hiring_rate": "calibrated: hiring equilibrium 13 x rep_attrition / rate = 5x cost (quota 4-6x)",
    "renewal_base": "calibrated: net revenue retention 95-135%, gross logo churn about 10%",
    "burn": "calibrated: CAC payback 12-30 months; R&D and G&A of a seed-stage vendor",
    "initial_reps": "a seed-stage sales team",
    "marketing_spend": "calibrated with marketing_reach: Bass p about 0.03 a year",
    "rollout_share": "calibrated: spend per employee 50-600 USD a year",
    "enterprise_uplift": "seed 000: the enterprise tier's support, security, compliance; calibrated spend",
    "qualification": "BANT: about a third of early opportunities are qualified out; win rate 15-30%",
    "user_is_buyer": "seed 003: the user is often not the buyer; calibrated freemium conversion 2-10%",
    "inbound_close_rate": "calibrated: freemium conversion 2-10%",
    "enterprise_trigger_share": "seed 000: the purchaser comes once use is widespread",
    "team_plan_scope": "Slack's fair billing policy, Notion and Figma workspaces: a plan pays for the workspace's active members",
    "enterprise_trigger_users": "IT steps in at tens of users (SSO/SAML, admin, security review; OpenView PLG benchmarks: product-qualified accounts)",
    "team_invites": "workspace creators invite their team at sign-up (Slack, Notion, Figma onboarding; invites are the main PLG acquisition loop)",
    "usage_opens_budget": "seed 000: the purchaser comes because users value it; SaaS management surveys: a third of SaaS spend starts outside IT's budget and is consolidated",
    "purchaser_openness": "seed 000: 'these approaches still work on older generations ... as younger generations start taking over more senior positions'; Forrester Buyers' Journey Survey 2023: millennials and Gen Z are 64% of B2B buyers, over a third buying or wanting to buy through self-service; elasticity 1 (proportional), chosen before any measurement",
    "purchaser_per_team": "seed 003: a user who can buy is found team by team; more teams using it, more chances one holds a card",
    "newcomer_invites": "seed 000: potential users 'hear about your services and want to try it themselves'; SaaS onboarding adds a new hire to the team's workspace (Slack, Notion, Figma)",
    "seat_price": "a collaboration seat at about 25 USD a month",
    "buying_unit_size": "large firms buy by business unit, each with its own committee (Gartner: 6-10 buyers per deal)",
    "rep_quota": "quota 4-6x on-target earnings (Bridge Group SDR/AE metrics 2024); capacity planning hires to bookings at quota",
    "backfill_leavers": "sales leaders backfill attrition on a team that makes its number and cut only one that does not (Bridge Group 2024: AE turnover about 35% a year, replaced to hold ramped capacity)",
    "installed_base_edge": "buyers shortlist the vendors their peers use: peer references and reviews are the most trusted input to a B2B software purchase (TrustRadius B2B Buying Disconnect 2023; Gartner); increasing returns to a category's leader (Arthur 1989; Klepper 1996, industry shakeouts)",
    "quota_on_new_business": "account executives carry new-business quota; expansion and renewals belong to account management (Bridge Group AE metrics; KeyBanc SaaS survey: new-logo vs expansion quota)",
    "min_reps": "founder-led sales: a company with a sales motion keeps at least its first seller",
    "layoff_floor": "sales teams are cut when they miss plan: quota attainment below half for two quarters",
    "background_touches": "seed 003: buyers are oversubscribed; executives get dozens of cold pitches a week across categories",
    "marketing_runway_weeks": "discretionary spend is cut first as runway shortens: Graham 2015 'Default alive or default dead?'; Sequoia 2022 'Adapting to endure' (plan for a long runway)",
    "marketing_all_motions": "SaaS companies of every motion spend about a third of S&M on marketing (KeyBanc SaaS survey)",
    "seat_value": "willingness to pay: SaaS seats list at 10-100 USD a month; value-based pricing captures 10-30% of value",
    "value_spread": "willingness to pay varies several-fold across firms (van Westendorp price studies)",
    "usage_value": "network effects: a tool most colleagues use is worth more (essay 000)",
    "budget_open_share": "Gartner: a new category is budgeted by a minority of firms at first",
    "budget_line_growth": "SaaS categories grow 10-20% a year in firms budgeting for them",
    "firm_turnover": "US Business Employment Dynamics: about 8-9% of establishments close a year and as many open",
    "firm_size_slope": "a firm's chance of closing falls with its size (Evans 1987; Dunne, Roberts and Samuelson 1989)",
    "firm_founding_rate": "US Business Dynamics Statistics: establishment births about 10% of establishments a year; a young software category's buyers grow 10-20% a year",
    "founding_years": "the horizon of a default run (260 weeks): the reserve of firms founded later is built at the start",
    "rep_attrition": "sales rep turnover about 35-40% a year",
    "initial_cash": "a seed round of about 2M USD",
    "gross_margin": "SaaS gross margins about 75-80% (KeyBanc SaaS survey)",
}


# Each parameter in plain words, as the browser's controls and `salesweb params` show it.
LABELS: dict[str, str] = {
    "n_enterprises": "enterprises in the market",
    "n_vendors": "vendors at the start",
    "strategy_mix": "strategy mix of the vendors",
    "max_vendors": "most vendors at once",
    "enterprise_size_min": "smallest enterprise",
    "enterprise_size_max": "largest enterprise",
    "on_prem_share": "on-premise-only enterprises",
    "budget_per_employee": "category budget per employee",
    "org_network": "org network shape",
    "span_of_control": "reports per manager",
    "cross_team_ties": "ties across teams",
    "small_world_k": "small-world neighbours",
    "small_world_p": "small-world rewiring",
    "committee_size": "buying committee size",
    "openness_mean": "openness to new tools",
    "openness_spread": "spread of openness",
    "openness_age_slope": "extra openness of the young",
    "openness_drift": "yearly rise of openness",
    "tenure_years": "years in a job",
    "generational_change": "employees come and go",
    "quality": "product quality",
    "virality": "virality of the product",
    "collaborative": "collaborative product",
    "adoption_threshold": "colleagues needed to spread",
    "vendor_heterogeneity": "how much vendors differ",
    "marketing_spend": "marketing per week",
    "marketing_reach": "reach of marketing",
    "seat_price": "monthly seat price",
    "marketing_all_motions": "direct vendors pay marketing too",
    "marketing_runway_weeks": "runway kept when marketing",
    "buying_unit_size": "employees per buying unit",
    "seat_value": "what a seat is worth",
    "value_spread": "spread of what a seat is worth",
    "usage_value": "extra worth when colleagues use it",
    "budget_open_share": "enterprises budgeting at the start",
    "budget_line_growth": "new budget lines a year",
    "firm_turnover": "firms closing and founded a year",
    "firm_size_slope": "how much less often big firms close",
    "firm_founding_rate": "firms founded a year",
    "founding_years": "years firms are founded",
    "team_plan_users": "users before a team plan",
    "enterprise_trigger_share": "users' share that calls the purchaser",
    "team_plan_scope": "what a team plan pays for",
    "enterprise_trigger_users": "users that call the purchaser",
    "team_invites": "teammates a new workspace invites",
    "purchaser_per_team": "a purchaser chance per team",
    "purchaser_openness": "purchasers' generation",
    "newcomer_invites": "newcomers join the team's tool",
    "usage_opens_budget": "use opens a budget line",
    "inbound_close_rate": "inbound deals closed per week",
    "user_is_buyer": "users are the buyers",
    "user_churn": "weekly user churn",
    "initial_reps": "reps at launch",
    "backfill_leavers": "kept teams replace leavers",
    "installed_base_edge": "a leader's win-rate edge",
    "quota_on_new_business": "quota on rep-won deals only",
    "rep_cost": "cost of a rep",
    "touches_per_rep": "touches per rep",
    "rep_capacity": "deals a rep can carry",
    "warm_intro_share": "warm introductions",
    "warm_intro_boost": "reply boost of a warm intro",
    "warm_engagement": "a warm prospect engages more",
    "touch_fatigue": "attention one touch uses up",
    "receptivity_initial": "buyers' attention at the start",
    "receptivity_recovery": "attention recovery",
    "brand_erosion": "brand lost per touch",
    "qualification": "qualification bar",
    "base_win_rate": "base win rate",
    "champion_boost": "win boost of a champion",
    "committee_drag": "win rate lost per committee member",
    "sales_cycle_weeks": "sales cycle",
    "cycle_size_elasticity": "longer cycles for bigger firms",
    "cross_team_locality": "cross-team ties within the department",
    "marketing_saturation": "marketing spend for half the reach",
    "lost_deal_cooloff_weeks": "wait after a lost deal",
    "effort_win_weight": "weight of the buyer's effort on winning",
    "effort_pace_weight": "weight of the buyer's effort on the deal's pace",
    "inbound_speedup": "speed of inbound deals",
    "hybrid_user_preference": "hybrid reps' pull to enterprises with users",
    "expansion_rollout": "rollout at each renewal",
    "volume_discount": "volume discount",
    "displacement_win_factor": "chance to displace a rival",
    "renewal_window_weeks": "weeks to pitch before a rival renews",
    "entry_floor": "least attractiveness to entrants",
    "shakeout_rate": "sub-scale vendors closing a quarter",
    "shakeout_scale": "scale a vendor needs, of the leader's ARR",
    "shakeout_age": "weeks before a vendor must have scale",
    "attractiveness_tenure": "track record entrants read",
    "entry_strategy": "entrants' strategy",
    "attractiveness_cap": "most attractiveness to entrants",
    "switch_margin": "margin before switching strategy",
    "enterprise_uplift": "enterprise tier multiple",
    "rollout_share": "rollout after a win",
    "rep_hiring_rate": "reps hired per bookings",
    "hiring_interval": "weeks between hiring rounds",
    "rep_attrition": "weekly rep attrition",
    "rep_ramp_weeks": "rep ramp-up",
    "min_runway_weeks": "runway kept when hiring",
    "layoff_floor": "bookings a team must bring to be kept",
    "min_reps": "reps a sales motion keeps",
    "rep_quota": "a rep's yearly quota",
    "background_touches": "other vendors' touches on a buyer",
    "renewal_base": "renewal of an unused product",
    "initial_cash": "cash at launch",
    "burn": "fixed burn per week",
    "entry_rate": "new vendors per week",
    "mutation": "entrants trying a new strategy",
    "adaptive_strategies": "vendors switch strategy",
    "switch_rate": "switching speed",
    "horizon": "weeks to run",
    "sales_start_week": "start selling in week",
    "gross_margin": "gross margin",
}


# The words a strategist reads for values and outputs that are not parameters' names.
CHOICE_WORDS: dict[str, str] = {
    "bottoms_up": "bottoms-up",
    "direct": "direct",
    "hybrid": "hybrid",
    "hierarchy": "hierarchy",
    "small_world": "small world",
    "complete": "everyone knows everyone",
    "team": "the purchaser's team",
    "workspace": "the whole workspace",
    "copy": "copy an incumbent",
}
"""A choice's value in plain words (``strategy``, ``org_network``, ...): what the browser
shows in place of the value a scenario file or the CLI takes."""


@dataclass(frozen=True)
class Term:
    """A figure the app shows that is not a parameter (a column of the vendor table).

    ``label`` in plain words, ``unit``, and ``description``: the definition a hover shows.
    """

    name: str
    label: str
    unit: str
    description: str


OUTPUTS: dict[str, Term] = {
    t.name: t
    for t in (
        Term("vendor", "vendor", "", "The vendor's name; (you) marks my company."),
        Term(
            "strategy",
            "strategy",
            "",
            "Its go-to-market: bottoms-up (self-serve sign-up, "
            "no reps), direct (sales reps, no self-serve) or hybrid (both).",
        ),  # fmt: skip
        Term("arr", "ARR", "USD per year", "Annual recurring revenue of its active contracts."),
        Term("cash", "cash", "USD", "Cash in the bank; a vendor at zero exits the market."),
        Term(
            "cac",
            "CAC",
            "USD per customer",
            "Customer acquisition cost: sales and "
            "marketing spent so far over the customers won (blank before the first).",
        ),  # fmt: skip
        Term("reps", "reps", "people", "Sales reps on the payroll now."),
        Term(
            "customers",
            "customers",
            "contracts",
            "Contracts that pay it (team plans and enterprise agreements).",
        ),  # fmt: skip
        Term("users", "users", "people", "Employees using its product."),
        Term(
            "alive",
            "in business",
            "yes or no",
            "Still in the market (no: it ran out of cash and exited).",
        ),  # fmt: skip
    )
}
"""The vendor table's columns (and what the KPI cards also show), defined once."""


def choice_label(value: str) -> str:
    """A choice's value in plain words (:data:`CHOICE_WORDS`, else spaces for underscores)."""
    return CHOICE_WORDS.get(value, str(value).replace("_", " "))


def _p(
    name, default, kind, low=None, high=None, unit="", group="market", description="", choices=()
):
    source = SOURCES.get(name, "")
    label = LABELS.get(name, name.replace("_", " "))
    return Param(
        name, default, kind, low, high, unit, group, description, tuple(choices), source, label
    )


_PARAM_LIST: list[Param] = [
    # --- size and start -------------------------------------------------------------
    _p(
        "n_enterprises",
        200,
        "int",
        1,
        # a billion employees at the default size law: the memory budget (sim.budget),
        # not this bound, decides what fits (issue 22: ten million is 90,700 enterprises)
        10_000_000,
        "enterprises",
        "market",
        "Number of enterprises in the market.",
    ),
    _p("n_vendors", 12, "int", 0, 200, "vendors", "market", "Vendors present at the start."),
    _p(
        "strategy_mix",
        (1 / 3, 1 / 3, 1 / 3),
        "mix",
        unit="shares",
        group="market",
        description="Shares of bottoms-up, direct and hybrid vendors among the starting vendors (bottoms-up:direct:hybrid).",
    ),
    _p(
        "max_vendors",
        60,
        "int",
        1,
        500,
        "vendors",
        "market",
        "Cap on vendors alive at once (entry stops there).",
    ),
    # --- enterprises and employees ---------------------------------------------------
    _p(
        "enterprise_size_min",
        20,
        "int",
        1,
        100_000,
        "employees",
        "enterprises",
        "Smallest enterprise (bounded Zipf size law, Axtell 2001).",
    ),
    _p(
        "enterprise_size_max",
        5000,
        "int",
        1,
        100_000,
        "employees",
        "enterprises",
        "Largest enterprise.",
    ),
    _p(
        "on_prem_share",
        0.15,
        "float",
        0,
        1,
        "share",
        "enterprises",
        "Share of enterprises that buy on-premise only: no self-serve SaaS enters them.",
    ),
    _p(
        "budget_per_employee",
        1500.0,
        "float",
        0,
        100_000,
        "USD per employee per year",
        "enterprises",
        "Annual category budget; caps what an enterprise spends on contracts.",
    ),
    _p(
        "org_network",
        "hierarchy",
        "choice",
        group="enterprises",
        choices=ORG_NETWORKS,
        description="Generator of each enterprise's org network.",
    ),
    _p(
        "span_of_control",
        8,
        "int",
        2,
        30,
        "reports per manager",
        "enterprises",
        "Direct reports per manager in the hierarchy.",
    ),
    _p(
        "cross_team_ties",
        6.0,
        "float",
        0,
        20,
        "ties per person",
        "enterprises",
        "Random extra ties per person in the hierarchy, mostly within the department.",
    ),
    _p(
        "cross_team_locality",
        0.5,
        "float",
        0,
        1,
        "share of ties",
        "enterprises",
        "Share of cross-team ties inside the person's own department.",
    ),
    _p(
        "small_world_k",
        10,
        "int",
        2,
        50,
        "neighbours",
        "enterprises",
        "Ring neighbours in the small-world network.",
    ),
    _p(
        "small_world_p",
        0.1,
        "float",
        0,
        1,
        "probability",
        "enterprises",
        "Rewiring probability of the small-world network.",
    ),
    _p(
        "committee_size",
        6,
        "int",
        1,
        12,
        "buyers",
        "enterprises",
        "Buying committee size (Gartner 6-10; CEB 5.4).",
    ),
    _p(
        "openness_mean",
        0.3,
        "float",
        0,
        1,
        "probability",
        "employees",
        "Mean openness to signing up for a tool on one's own.",
    ),
    _p(
        "openness_spread",
        0.2,
        "float",
        0,
        0.9,
        "share of the widest spread",
        "employees",
        "Spread of openness around its mean (Beta law; 0: everyone exactly at the mean).",
    ),
    _p(
        "openness_age_slope",
        0.05,
        "float",
        0,
        0.3,
        "per decade younger",
        "employees",
        "How much higher the openness of someone ten years younger is.",
    ),
    _p(
        "openness_drift",
        0.01,
        "float",
        -0.1,
        0.1,
        "per year",
        "employees",
        "Yearly rise of newcomers' mean openness (generational change; essay 000).",
    ),
    _p(
        "tenure_years",
        4.0,
        "float",
        0.5,
        40,
        "years",
        "employees",
        "Mean tenure; each week an employee is replaced with probability 1/(52*tenure).",
    ),
    _p(
        "generational_change",
        True,
        "bool",
        group="employees",
        description="Replace employees over time (mechanism 11).",
    ),
    # --- product --------------------------------------------------------------------
    _p("quality", 0.7, "float", 0, 1, "score", "product", "How well the product works."),
    _p(
        "virality",
        0.0005,
        "float",
        0,
        1,
        "per colleague per week",
        "product",
        "Chance a user persuades one colleague per week.",
    ),
    _p(
        "collaborative",
        False,
        "bool",
        group="product",
        description="Value grows with team share (Yammer); needs reinforcement to spread.",
    ),
    _p(
        "adoption_threshold",
        2,
        "int",
        1,
        10,
        "colleagues",
        "product",
        "Colleagues on a collaborative product before it spreads (complex contagion).",
    ),
    _p(
        "vendor_heterogeneity",
        0.2,
        "float",
        0,
        1,
        "relative spread",
        "product",
        "Spread of each vendor's own value around the model-level one (0: all equal).",
    ),
    # --- self-serve motion ----------------------------------------------------------
    _p(
        "marketing_spend",
        2_000.0,
        "float",
        0,
        1e7,
        "USD per week",
        "self_serve",
        "Weekly marketing spend of a self-serve vendor.",
    ),
    _p(
        "marketing_reach",
        0.001,
        "float",
        0,
        1,
        "per week",
        "self_serve",
        "Most weekly sign-up hazard marketing can buy for a fully open person (spend saturated).",
    ),
    _p(
        "marketing_saturation",
        5_000.0,
        "float",
        0,
        1e7,
        "USD per week",
        "self_serve",
        "Marketing spend that buys half the maximum reach (0: any spend buys all of it).",
    ),
    _p(
        "marketing_runway_weeks",
        0.0,
        "float",
        0,
        520,
        "weeks",
        "self_serve",
        "Marketing is cut to what keeps this many weeks of runway at the fixed net burn "
        "(0: the planned spend whatever the cash, the reference rule).",
    ),
    _p(
        "marketing_all_motions",
        False,
        "bool",
        group="self_serve",
        description="Direct vendors pay their marketing spend too (events, content, demand "
        "generation); it buys them no sign-ups (false: only self-serve motions pay marketing).",
    ),
    _p(
        "seat_price",
        25.0,
        "float",
        0,
        10_000,
        "USD per seat per month",
        "self_serve",
        "Self-serve price.",
    ),
    _p(
        "buying_unit_size",
        0,
        "int",
        0,
        1_000_000,
        "employees",
        "enterprises",
        "Employees per buying unit: a large enterprise has one committee of buyers reps can "
        "reach per unit (0: one committee per enterprise).",
    ),
    _p(
        "seat_value",
        0.0,
        "float",
        0,
        100_000,
        "USD per seat per month",
        "demand",
        "What a seat of a quality-1 product is worth to the median enterprise; a buyer pays "
        "only a price below its worth (0: no demand curve, any price sells).",
    ),
    _p(
        "value_spread",
        0.8,
        "float",
        0,
        3,
        "log-sd",
        "demand",
        "Spread (lognormal sigma) of what a seat is worth across enterprises.",
    ),
    _p(
        "usage_value",
        1.0,
        "float",
        0,
        10,
        "multiple",
        "demand",
        "A seat's worth rises by this times the share of the enterprise using the product.",
    ),
    _p(
        "budget_open_share",
        1.0,
        "float",
        0,
        1,
        "share",
        "demand",
        "Share of enterprises with a budget line for the category at the start (1: all).",
    ),
    _p(
        "budget_line_growth",
        0.12,
        "float",
        0,
        1,
        "share of enterprises per year",
        "demand",
        "Enterprises that open a budget line for the category each year, as a share of all.",
    ),
    _p(
        "firm_turnover",
        0.0,
        "float",
        0,
        1,
        "share of enterprises per year",
        "demand",
        "Enterprises of the median size that close a year; a new firm of the same shape "
        "takes each one's place with none of the category's software (0: the same firms "
        "for ever).",
    ),
    _p(
        "firm_size_slope",
        0.5,
        "float",
        0,
        2,
        "exponent",
        "demand",
        "A firm's chance of closing scales as its size over the median to minus this "
        "power: big firms close less often.",
    ),
    _p(
        "firm_founding_rate",
        0.0,
        "float",
        0,
        1,
        "share of enterprises per year",
        "demand",
        "New firms join the market each year, as a share of the firms in it (compounding); "
        "a new firm buys the tools for the job (0: the same firms for ever).",
    ),
    _p(
        "founding_years",
        5,
        "int",
        1,
        30,
        "years",
        "demand",
        "Years over which firms are founded; the market is built with the firms it will "
        "have by then and holds the later ones out until their week.",
    ),
    _p(
        "team_plan_users",
        5,
        "int",
        1,
        1000,
        "users",
        "self_serve",
        "Users of one vendor in an enterprise at which the team buys seats.",
    ),
    _p(
        "enterprise_trigger_share",
        0.25,
        "float",
        0,
        1,
        "share of employees",
        "self_serve",
        "Users' share at which the purchaser comes to the vendor (essay 000).",
    ),
    _p(
        "enterprise_trigger_users",
        0,
        "int",
        0,
        1_000_000,
        "users",
        "self_serve",
        "Users of a vendor in an enterprise at which the purchaser comes to it whatever their "
        "share (0: the share alone calls the purchaser).",
    ),
    _p(
        "team_plan_scope",
        "team",
        "choice",
        unit="",
        group="self_serve",
        description="What a team plan pays for: the purchaser's network neighbours on the product "
        "(team) or every user connected to them through colleagues on it (workspace).",
        choices=("team", "workspace"),
    ),
    _p(
        "team_invites",
        0.0,
        "float",
        0,
        100,
        "multiple of openness",
        "self_serve",
        "A user who signs up with no colleague on the product invites the colleagues; each "
        "joins with probability this number times their openness (0: no invites).",
    ),
    _p(
        "newcomer_invites",
        False,
        "bool",
        group="self_serve",
        description="A newcomer (generational change) with no product is invited into the "
        "self-serve workspace most of their colleagues use and joins with probability "
        "'teammates a new workspace invites' times their openness.",
    ),
    _p(
        "purchaser_per_team",
        False,
        "bool",
        group="self_serve",
        description="Draw whether a purchaser comes once more for every further 'users before a team "
        "plan' users of the vendor in the enterprise, not once per enterprise.",
    ),
    _p(
        "usage_opens_budget",
        False,
        "bool",
        group="demand",
        description="A purchaser who comes for an agreement opens the category's budget line if "
        "the enterprise has none yet (false: agreements wait for the line).",
    ),
    _p(
        "inbound_close_rate",
        0.05,
        "float",
        0,
        1,
        "per week",
        "self_serve",
        "Weekly chance a bottoms-up vendor closes an inbound request.",
    ),
    _p(
        "purchaser_openness",
        0.0,
        "float",
        0,
        3,
        "elasticity",
        "self_serve",
        "How much the buying committee's generation moves the chance a ripe team's purchaser "
        "comes forward: that chance is multiplied by the committee's mean openness over every "
        "committee's at the start, to this power, and kept at most 1 (0: off).",
    ),
    _p(
        "user_is_buyer",
        0.2,
        "float",
        0,
        1,
        "share",
        "self_serve",
        "Chance a ripe team's purchaser ever comes forward to buy (essay 003).",
    ),
    _p(
        "lost_deal_cooloff_weeks",
        26,
        "int",
        0,
        520,
        "weeks",
        "direct",
        "Weeks before a vendor may reopen an enterprise whose deal it lost.",
    ),
    _p(
        "user_churn",
        0.007,
        "float",
        0,
        1,
        "per week",
        "self_serve",
        "Weekly user churn at quality 0 (SMB logo churn 3%/month).",
    ),
    # --- direct motion --------------------------------------------------------------
    _p(
        "initial_reps",
        3,
        "int",
        0,
        1000,
        "reps",
        "direct",
        "Reps of a vendor with a sales motion at the start or on entry.",
    ),
    _p(
        "sales_start_week",
        0,
        "int",
        0,
        520,
        "weeks after entry",
        "direct",
        "Week a vendor with a sales motion hires its first reps (hybrid: before it, bottoms-up only).",
    ),
    _p(
        "rep_cost",
        3800.0,
        "float",
        0,
        100_000,
        "USD per rep per week",
        "direct",
        "Loaded cost of a rep (OTE about 200k a year).",
    ),
    _p(
        "touches_per_rep",
        25,
        "int",
        0,
        1000,
        "touches per week",
        "direct",
        "Outbound touches a rep with spare capacity makes.",
    ),
    _p(
        "rep_capacity",
        20,
        "int",
        1,
        1000,
        "open opportunities",
        "direct",
        "Open opportunities a rep can carry.",
    ),
    _p(
        "warm_intro_share",
        0.1,
        "float",
        0,
        1,
        "share of touches",
        "direct",
        "Touches made through the rep's own network (essay 002); a vendor spec may set its own.",
    ),
    _p(
        "warm_intro_boost",
        3.0,
        "float",
        1,
        20,
        "x",
        "direct",
        "Response multiple of a warm introduction over a cold touch.",
    ),
    _p(
        "warm_engagement",
        False,
        "bool",
        group="direct",
        description="A warm introduction's prospect engages like the most engaged of as many "
        "strangers as the warm reply boost says (effort u^(1/boost)), which qualification, "
        "pace and the close read (off: a warm touch only answers more often).",
    ),
    _p(
        "touch_fatigue",
        0.6,
        "float",
        0,
        1,
        "per touch",
        "direct",
        "Share of a buyer's receptivity one touch wears away.",
    ),
    _p(
        "receptivity_initial",
        0.3,
        "float",
        0,
        1,
        "probability",
        "direct",
        "Buyers' receptivity at the start.",
    ),
    _p(
        "receptivity_recovery",
        0.002,
        "float",
        0,
        1,
        "per week",
        "direct",
        "Weekly recovery of receptivity towards 1.",
    ),
    _p(
        "background_touches",
        0.0,
        "float",
        0,
        10,
        "touches per buyer per week",
        "direct",
        "Outbound touches a buyer gets each week from vendors of other categories; they wear "
        "attention as this category's touches do (0: this category alone).",
    ),
    _p(
        "brand_erosion",
        0.0,
        "float",
        0,
        1,
        "per touch",
        "direct",
        "Brand lost in an enterprise per outbound touch; lowers self-serve hazards there (essay 003).",
    ),
    _p(
        "qualification",
        0.4,
        "float",
        0,
        0.95,
        "engagement threshold",
        "direct",
        "Drop opportunities whose prospect effort is below this at qualify (essay 002); a vendor spec may set its own.",
    ),
    _p(
        "effort_win_weight",
        1.0,
        "float",
        0,
        1,
        "weight (0 to 1)",
        "direct",
        "How much the prospect's effort moves the win chance: x (1 + w (2 effort - 1)).",
    ),
    _p(
        "effort_pace_weight",
        0.0,
        "float",
        0,
        0.95,
        "weight (0 to 0.95)",
        "direct",
        "How much the prospect's effort sets an outbound deal's pace: stage hazard x (1 + w (2 effort - 1)), scaled so a deal of unknown effort keeps the mean cycle (essay 002).",
    ),
    _p(
        "base_win_rate",
        0.35,
        "float",
        0,
        1,
        "probability",
        "direct",
        "Win probability before quality, champion and committee.",
    ),
    _p(
        "champion_boost",
        0.5,
        "float",
        0,
        5,
        "relative",
        "direct",
        "Extra win probability with a champion (a user) inside.",
    ),
    _p(
        "committee_drag",
        0.03,
        "float",
        0,
        0.5,
        "per extra member",
        "direct",
        "Win probability lost per committee member beyond the first.",
    ),
    _p(
        "sales_cycle_weeks",
        12.0,
        "float",
        1,
        104,
        "weeks",
        "direct",
        "Mean cycle identify-qualify-sell-close at median size.",
    ),
    _p(
        "inbound_speedup",
        2.0,
        "float",
        1,
        10,
        "x",
        "direct",
        "How much faster an inbound deal (the purchaser came) moves than an outbound one.",
    ),
    _p(
        "hybrid_user_preference",
        10.0,
        "float",
        1,
        1000,
        "x",
        "direct",
        "How much more a hybrid's reps target an enterprise where its product has users.",
    ),
    _p(
        "cycle_size_elasticity",
        0.2,
        "float",
        0,
        1,
        "elasticity (cycle % per size %)",
        "direct",
        "How the cycle lengthens with enterprise size (a 1% larger enterprise: this % longer).",
    ),
    _p(
        "enterprise_uplift",
        2.2,
        "float",
        1,
        10,
        "x",
        "direct",
        "Enterprise tier's multiple for support, security, compliance.",
    ),
    _p(
        "expansion_rollout",
        0.3,
        "float",
        0,
        1,
        "share of non-users per renewal",
        "direct",
        "Further rollout at each renewal of an agreement, times product quality (land and expand).",
    ),
    _p(
        "volume_discount",
        0.05,
        "float",
        0,
        0.5,
        "exponent",
        "direct",
        "Per-seat price falls as seats to the power minus this exponent (1,000 seats at 0.05: 71% of list).",
    ),
    _p(
        "displacement_win_factor",
        0.25,
        "float",
        0,
        1,
        "x",
        "direct",
        "Win chance against a rival's agreement, relative to a greenfield deal at equal quality.",
    ),
    _p(
        "installed_base_edge",
        0.0,
        "float",
        0,
        3,
        "exponent",
        "direct",
        "A deal's chance of a win times ((1 + the vendor's customers) / (1 + the mean "
        "customers of the vendors with a sales motion)) to this power, capped at 1: buyers "
        "favour the vendor their peers use (0: no edge).",
    ),
    _p(
        "renewal_window_weeks",
        13,
        "int",
        0,
        52,
        "weeks",
        "direct",
        "Weeks before a rival's agreement renews in which reps may pitch to displace it.",
    ),
    _p(
        "rollout_share",
        0.5,
        "float",
        0,
        1,
        "share of employees",
        "direct",
        "Non-users who become users by mandate after a win.",
    ),
    _p(
        "rep_hiring_rate",
        0.025,
        "float",
        0,
        10,
        "reps per rep-quarter of bookings",
        "direct",
        "Reps hired per quarter per (13 weeks of rep cost) of new bookings.",
    ),
    _p("hiring_interval", 13, "int", 1, 52, "weeks", "direct", "Weeks between hiring rounds."),
    _p("rep_attrition", 0.01, "float", 0, 1, "per week", "direct", "Weekly chance a rep leaves."),
    _p(
        "rep_ramp_weeks",
        13,
        "int",
        0,
        104,
        "weeks",
        "direct",
        "Weeks for a new rep to reach full productivity.",
    ),
    _p(
        "rep_quota",
        0.0,
        "float",
        0,
        50,
        "multiple of a rep-year's cost",
        "direct",
        "Bookings a rep carries a year: hiring brings the team to the trailing year's bookings "
        "over this quota (0: hire at the 'reps hired per bookings' rate, the reference rule).",
    ),
    _p(
        "backfill_leavers",
        False,
        "bool",
        group="direct",
        description="A team below quota that books its keep (no layoff due) replaces its "
        "leavers: it is held at the size its last hiring round settled on (false: only a "
        "team above quota hires, the reference rule).",
    ),
    _p(
        "quota_on_new_business",
        False,
        "bool",
        group="direct",
        description="Sales capacity is planned on what reps win (the ACV of rep-won deals), "
        "not on every booking: renewal expansions and self-serve purchases hire no account "
        "executives; layoffs read the same figure (false: all bookings, the reference rule).",
    ),
    _p(
        "min_reps",
        0,
        "int",
        0,
        100,
        "reps",
        "direct",
        "Reps a vendor with a sales motion keeps once its sales start: it rehires up to this "
        "many at a hiring round while cash allows (0: a team may dwindle to none).",
    ),
    _p(
        "layoff_floor",
        0.0,
        "float",
        0,
        10,
        "multiple of rep cost",
        "direct",
        "A team whose bookings over half a year are below this multiple of its cost is cut "
        "to the reps they pay for (0: no layoffs).",
    ),
    _p(
        "min_runway_weeks",
        26.0,
        "float",
        0,
        520,
        "weeks",
        "direct",
        "Hiring stops when it would leave less runway than this.",
    ),
    # --- contracts ------------------------------------------------------------------
    _p(
        "renewal_base",
        0.75,
        "float",
        0,
        1,
        "probability",
        "contracts",
        "Renewal chance of an unused, useless product; rises to 1 with usage and quality.",
    ),
    # --- vendor economics, entry and adaptation -------------------------------------
    _p(
        "initial_cash",
        2_000_000.0,
        "float",
        0,
        1e10,
        "USD",
        "vendors",
        "Cash at the start or on entry.",
    ),
    _p(
        "burn",
        7_000.0,
        "float",
        0,
        1e8,
        "USD per week",
        "vendors",
        "Fixed weekly burn (R&D, G&A).",
    ),
    _p(
        "entry_rate",
        0.05,
        "float",
        0,
        1,
        "per week",
        "vendors",
        "Entry probability per week at reference attractiveness.",
    ),
    _p(
        "shakeout_rate",
        0.0,
        "float",
        0,
        1,
        "probability per quarter",
        "vendors",
        "Chance a quarter that a vendor old enough and below the scale it needs closes "
        "(0: vendors leave only when their cash runs out).",
    ),
    _p(
        "shakeout_scale",
        0.2,
        "float",
        0,
        1,
        "share of the leader's ARR",
        "vendors",
        "ARR a vendor needs, as a share of the category leader's, to be spared a shakeout.",
    ),
    _p(
        "shakeout_age",
        156,
        "int",
        0,
        10_000,
        "weeks",
        "vendors",
        "Weeks a vendor has in the market before it must have scale.",
    ),
    _p(
        "mutation",
        0.1,
        "float",
        0,
        1,
        "probability",
        "vendors",
        "Chance an entrant picks a random strategy instead of copying.",
    ),
    _p(
        "entry_floor",
        0.05,
        "float",
        0,
        10,
        "x",
        "vendors",
        "Least attractiveness entrants see, even when incumbents book nothing.",
    ),
    _p(
        "attractiveness_tenure",
        0,
        "int",
        0,
        260,
        "weeks",
        "vendors",
        "Entrants judge the market by the last quarter's bookings of the vendors in it at "
        "least this long (0: of every alive vendor, entrants included).",
    ),
    _p(
        "entry_strategy",
        "copy",
        "choice",
        group="vendors",
        choices=("copy", *STRATEGIES),
        description="Strategy of every entrant (copy: an incumbent's by ARR, or a random one "
        "at the mutation rate).",
    ),
    _p(
        "attractiveness_cap",
        3.0,
        "float",
        0.1,
        100,
        "x",
        "vendors",
        "Cap on the market's attractiveness to entrants (bookings per vendor over its cost).",
    ),
    _p(
        "adaptive_strategies",
        False,
        "bool",
        group="vendors",
        description="Vendors switch strategy when another pays back faster.",
    ),
    _p(
        "switch_rate",
        0.25,
        "float",
        0,
        1,
        "per quarter",
        "vendors",
        "Chance of switching when another strategy is clearly better.",
    ),
    _p(
        "switch_margin",
        0.75,
        "float",
        0,
        1,
        "share of own payback",
        "vendors",
        "Another strategy is clearly better when its payback is below this share of ours.",
    ),
    # --- run ------------------------------------------------------------------------
    _p(
        "horizon",
        260,
        "int",
        1,
        5200,
        "weeks",
        "run",
        "Weeks a run lasts unless told otherwise (five years).",
    ),
    # --- reporting: read by the KPIs only, no mechanism uses it ------------------
    _p(
        "gross_margin",
        0.8,
        "float",
        0.01,  # (0, 1]: CAC payback divides by it
        1,
        "share of revenue",
        "vendors",
        "Share of revenue left after the cost of serving it; CAC payback counts months of it.",
    ),
]


PARAMETERS: dict[str, Param] = {p.name: p for p in _PARAM_LIST}
"""Every model parameter by name, in display order."""

GROUPS: tuple[str, ...] = tuple(dict.fromkeys(p.group for p in _PARAM_LIST))

VENDOR_TRAITS: tuple[str, ...] = (
    "quality",
    "virality",
    "collaborative",
    "marketing_spend",
    "marketing_reach",
    "seat_price",
    "enterprise_uplift",
    "initial_reps",
    "sales_start_week",
    "rep_cost",
    "touches_per_rep",
    "rep_capacity",
    "initial_cash",
    "burn",
    "qualification",
    "warm_intro_share",
)
"""Parameters each vendor draws its own value of (or a scenario sets per vendor)."""

POLICY_TRAITS: frozenset[str] = frozenset({"qualification", "warm_intro_share"})
"""Vendor traits that are a company's policy, not a draw: every vendor takes the model
level unless its spec sets its own (``vendor_heterogeneity`` does not spread them)."""


def defaults() -> dict[str, Any]:
    """Return a fresh dict of every parameter's default value."""
    return {name: p.default for name, p in PARAMETERS.items()}


def unknown_parameter(name: str) -> ParameterError:
    """Build the error for an unknown name, suggesting the closest known one."""
    close = difflib.get_close_matches(name, PARAMETERS, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else "; run 'salesweb params' for the list"
    return ParameterError(f"unknown parameter {name!r}{hint}")


def validate_params(values: dict[str, Any]) -> dict[str, Any]:
    """Validate and convert a partial set of parameters.

    Returns a new dict holding only the given names, converted to their types.
    Raises ParameterError on an unknown name, a bad value, or an inconsistent pair.
    """
    out = {}
    for name, value in values.items():
        if name not in PARAMETERS:
            raise unknown_parameter(name)
        out[name] = PARAMETERS[name].validate(value)
    return out


def check_consistency(params: dict[str, Any]) -> None:
    """Raise ParameterError where two valid parameters contradict each other."""
    lo, hi = params["enterprise_size_min"], params["enterprise_size_max"]
    if lo > hi:
        raise ParameterError(
            f"parameter 'enterprise_size_min': {lo} is above enterprise_size_max={hi}; "
            "the minimum must not exceed the maximum"
        )
    if not params.get("firm_founding_rate", 0) > 0:  # (callers may pass a few names only)
        return
    from sim.firm_founding import reserve_size  # (sim.firm_founding imports no params)

    most = PARAMETERS["n_enterprises"].high
    built = params["n_enterprises"] + reserve_size(params)
    if built > most:
        raise ParameterError(
            f"parameter 'firm_founding_rate': {params['firm_founding_rate']} a year for "
            f"{params['founding_years']} years builds {built:,} enterprises, above the "
            f"{most:,} a market may hold; lower the rate, the years or n_enterprises"
        )


def markdown_table() -> str:
    """Every parameter as Markdown, grouped: the source of ``docs/parameters.md``."""
    lines = [
        "# Parameters",
        "",
        "Generated from `sim/params.py` by `salesweb params --markdown`; do not edit by hand.",
    ]
    for group in GROUPS:
        lines += [
            "",
            f"## {group}",
            "",
            "| name | label | default | allowed | unit | description | source |",
        ]
        lines.append("| --- | --- | --- | --- | --- | --- | --- |")
        for p in PARAMETERS.values():
            if p.group == group:
                default = ":".join(f"{x:.3g}" for x in p.default) if p.kind == "mix" else p.default
                lines.append(
                    f"| `{p.name}` | {p.label} | {default} | {p.allowed()} | {p.unit} | {p.description} "
                    f"| {p.source} |"
                )
    return "\n".join(lines) + "\n"


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse a CLI ``key=value`` pair into a validated (name, value)."""
    if "=" not in text:
        raise ParameterError(
            f"--set {text!r}: expected key=value, for example --set rep_attrition=0.02"
        )
    name, _, raw = text.partition("=")
    name = name.strip()
    if name not in PARAMETERS:
        raise unknown_parameter(name)
    return name, PARAMETERS[name].validate(raw.strip())
