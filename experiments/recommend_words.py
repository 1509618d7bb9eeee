"""The recommendation in plain words: the same lines for ``salesweb study``, its
Markdown report and the browser's Decide tab (:func:`describe`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from experiments.study import usd

SEEDS_WORTH_SAYING = 10_000
"""Beyond this many seeds (``salesweb study``'s limit) a gap is called even in practice."""

if TYPE_CHECKING:
    from experiments.recommend import Objective, Pair, Recommendation


def describe(
    rec: Recommendation, obj: Objective, unseparated: list[Pair], rivals: list[Pair]
) -> list[str]:
    """The objective, the verdict, what the floor excluded, the risk and the horizon check."""
    from experiments.recommend import FIVE_YEARS, TWO_YEARS, pair_text

    floor = (
        f", among options alive in at least {rec.min_survival:.0%} of seeds"
        if obj.name != "survival"
        else ""
    )
    lines = [
        f"Objective: {obj.label} at week {rec.week}{floor}; "
        f"{_seeds(rec.seeds)}, every option on the same ones."
    ]
    by = {r["option"]: r for r in rec.ranking}
    if rec.best is None:
        robust = max(rec.ranking, key=lambda r: r["survival"])
        lines.append(
            f"No recommendation: no option is alive in at least {rec.min_survival:.0%} of seeds "
            f"at week {rec.week}. The most robust is {robust['option']} "
            f"({robust['survival']:.0%} alive); lower the survival floor or change the options."
        )
    elif not rivals:
        alone = len(rec.ranking) == 1
        lines.append(
            f"Recommended: {rec.best}"
            + (
                " (one option: nothing to compare)."
                if alone
                else f", the only option alive in at least {rec.min_survival:.0%} of seeds."
            )
        )
    elif rec.separated:
        lines.append(
            f"Recommended: {rec.best}. On {obj.name} it beats "
            + "; ".join(f"{p.b}: {pair_text(p, obj.is_money)}" for p in rivals)
            + "."
        )
    else:
        names = " or ".join(p.b for p in unseparated)
        leads = "; ".join(f"against {p.b} it is {pair_text(p, obj.is_money)}" for p in unseparated)
        even = [p.b for p in unseparated if p.difference == 0 and p.n >= 2]
        if rec.seeds < 2:
            more = "One seed gives no interval: run more seeds. "
        elif rec.seeds_needed is None:
            more = ""
        elif rec.seeds_needed > SEEDS_WORTH_SAYING:
            more = (
                f"More than {SEEDS_WORTH_SAYING:,} seeds would be needed to separate them: "
                "in practice they are even. "
            )
        else:
            more = (
                f"Roughly {rec.seeds_needed:,} seeds ({rec.seeds_needed - rec.seeds:,} more) "
                "would separate them if the differences held. "
            )
        if even:
            more += (
                f"{' and '.join(even)} {'looks' if len(even) == 1 else 'look'} even with "
                f"{rec.best}: more seeds may never separate them. "
            )
        lines.append(
            f"The data cannot separate {rec.best} from {names} on {obj.name}: {leads}. {more}"
            f"{rec.best} ranks first, but the choice between them is a judgement call, "
            "not a finding."
        )
    if rec.best is not None:
        best_median = by[rec.best]["median"]
        for r in rec.ranking:
            if not r["meets_floor"] and r["median"] > best_median and obj.name != "survival":
                lines.append(
                    f"{r['option']} has a higher median {obj.name} "
                    f"({_value(r['median'], obj.is_money)}) but is alive in only "
                    f"{r['survival']:.0%} of seeds, below the {rec.min_survival:.0%} floor."
                )
    if rec.best is not None:
        lines.append(_risk(by[rec.best], rec.seeds))
    if rec.ranking_2y is None:
        lines.append(
            f"Could not check whether the ranking changes between 2 and 5 years: the study "
            f"runs {rec.week} weeks; it needs {FIVE_YEARS}."
        )
    else:
        moved = [
            f"{k} {rec.survival_2y[k]:.0%} then {rec.survival_5y[k]:.0%} alive"
            for k in rec.ranking_5y
            if rec.survival_2y[k] != rec.survival_5y[k]
        ]
    if rec.ranking_2y is not None and rec.ranking_2y == rec.ranking_5y:
        lines.append(
            f"The ranking is the same at 2 years (week {TWO_YEARS}) and 5 years "
            f"(week {FIVE_YEARS}): {' > '.join(rec.ranking_5y)}"
            + (f"; survival falls ({'; '.join(moved)})." if moved else ".")
        )
    elif rec.ranking_2y is not None:
        lines.append(
            f"Warning: the ranking changes between 2 and 5 years: at week {TWO_YEARS} "
            f"{' > '.join(rec.ranking_2y)}; at week {FIVE_YEARS} {' > '.join(rec.ranking_5y)}"
            + (f" ({'; '.join(moved)})." if moved else ".")
        )
    return lines


def _seeds(n: int) -> str:
    return "1 seed" if n == 1 else f"{n} common seeds"


def _value(x: float, is_money: bool) -> str:
    return usd(x) if is_money else f"{x:.0%}"


def _risk(row: dict[str, Any], seeds: int) -> str:
    """How often the option dies and how low its cash falls in the seeds it survives."""
    deaths = row["deaths"]
    dies = (
        ("survives its one seed" if seeds == 1 else f"survives all {seeds} seeds")
        if deaths == 0
        else f"runs out of cash in {deaths} of {seeds} seeds ({row['survival']:.0%} alive)"
    )
    low = row["cash_low_p10_survivors"]
    trough = (
        f"; in the seeds it survives, its cash falls to {usd(low)} at the lowest "
        "(the worst tenth of them)"
        if low == low
        else ""
    )
    return f"Risk: {row['option']} {dies}{trough}."
