"""A shakeout: vendors that have not reached scale close.

In the reference model a vendor leaves only when its cash runs out, so a company that
lives on its renewals with one seller stays for ever, and a category fills up with them
(docs/investigations/launch_team.md: after the land grab the default market's new
business pays for about as many reps as there are vendors selling into it). Real
categories shake out: the number of firms peaks and then falls as the industry matures,
the later and smaller entrants leaving (Klepper 1996; Klepper and Simons 2000), and a
venture-backed software company that has not reached scale a few years in cannot raise
its next round and is shut down or sold.

Each quarter, every vendor that has been in the market for at least ``shakeout_age``
weeks and whose ARR is below ``shakeout_scale`` times the category leader's closes with
probability ``shakeout_rate`` (one uniform draw per such vendor). It exits as a vendor
out of cash does (:meth:`sim.model.MarketModel.exit_vendor`: its agreements and plans
end, its users churn, its reps go), with ``reason`` "shakeout" on its ``exit`` event.
Its customers become greenfield for the vendors that remain. A workshop team's vendor
is never closed by the rule (its team decides).

``shakeout_rate = 0`` switches it off, and then no random number is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agents.vendor import Vendor
    from sim.model import MarketModel

QUARTER = 13  # weeks between reviews, as sim.hiring.QUARTER


def sub_scale(model: MarketModel) -> list[Vendor]:
    """The vendors old enough to be reviewed whose ARR is below the leader's share."""
    alive = model.alive_vendors()
    leader = max((v.arr for v in alive), default=0.0)
    return [
        v
        for v in alive
        if not v.steered
        and model.steps - v.entered >= model.shakeout_age
        and v.arr < model.shakeout_scale * leader
    ]


def shake_out(model: MarketModel) -> list[Vendor]:
    """This quarter's closures (none between quarters or with the rule off)."""
    if model.shakeout_rate <= 0 or model.steps % QUARTER:
        return []
    closing = [v for v in sub_scale(model) if model.rng.random() < model.shakeout_rate]
    for vendor in closing:
        model.exit_vendor(vendor, reason="shakeout")
    return closing
