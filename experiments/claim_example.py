"""A claim of your own, as a paired experiment: the worked example of docs/claims.md.

Run it from the repository's root with ``.venv/bin/python -m experiments.claim_example``:
ten seeds of two arms, mechanism on and off, in a 100-enterprise market for three
years (about 10 seconds on two cores); it prints the verdict and writes
``my_claims/claims.md`` with the chart.
"""

from __future__ import annotations

from experiments import claim_metrics as m
from experiments.claim_metrics import Metric
from experiments.claims import Claim, Side, run_claims
from experiments.claims_report import write_report

claim = Claim(
    key="marketing_buys_users",
    title="Marketing buys a company self-serve users",
    essay="my hypothesis",
    scenario="land_and_expand",
    lever="the focal company's marketing budget",
    lever_kind="decision",
    lever_params=("marketing_spend",),
    left=Side("10,000 a week", {"focal": {"marketing_spend": 10_000.0}}),
    right=Side("2,000 a week", {"focal": {"marketing_spend": 2_000.0}}),
    metric=Metric("sign-ups for the focal company's product", m.focal_signups),
    expected_sign=1,
    mechanism="spend buys reach (bought_reach)",
    mechanism_off={"marketing_reach": 0.0},
    secondary=(Metric("the focal company's CAC (USD)", m.focal_cac),),
    note="Bottoms-up vendors with cash enough to outlast the horizon (the preset), "
    "so spending does not end a vendor; only the focal company's budget changes.",
)

SEEDS = list(range(10))
MARKET = {"n_enterprises": 100}
WEEKS = 156

if __name__ == "__main__":
    (result,) = run_claims([claim], SEEDS, size=MARKET, steps=WEEKS)
    print(result)
    print("report:", write_report([result], "my_claims", SEEDS, MARKET, 0.0))
