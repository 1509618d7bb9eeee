"""The README's study example cannot drift: it quotes docs/examples/study.json word for
word, that JSON's recommendation follows from its own runs, and a run it holds is what
the model gives for that seed today (``python -m experiments.cli.readme_study`` refreshes
all three when the model changes)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from experiments.cli import readme_study
from experiments.recommend import recommend
from experiments.study import study
from experiments.study_report import result_from_report

REPORT = readme_study.ROOT / readme_study.OUT.with_suffix(".json")


@pytest.fixture(scope="module")
def report() -> dict:
    return json.loads(REPORT.read_text())


def test_the_readme_quotes_the_report_word_for_word(report):
    assert readme_study.quoted(readme_study.README.read_text()) == readme_study.block(report)
    assert "sidebar's seed" in readme_study.README.read_text()  # which seed the browser uses


def test_the_reports_recommendation_follows_from_its_runs(report):
    again = recommend(result_from_report(report), report["recommendation"]["objective"],
                      report["recommendation"]["min_survival"])  # fmt: skip
    assert again.lines == report["recommendation"]["lines"]


def test_a_run_of_the_report_is_the_models_run_today(report):
    runs = report["tables"]["runs"]
    row = next(r for r in runs if r["option"] == "direct" and r["replicate"] == 0)
    option = next(o for o in report["options"] if o["label"] == "direct")
    res = study(report["scenario"], {"direct": option["settings"]}, [row["seed"]],
                report["steps"], workers=1, overrides=report["overrides"])  # fmt: skip
    now = res.runs.iloc[0]
    assert now["arr"] == pytest.approx(row["arr"], rel=1e-12)
    assert now["cash"] == pytest.approx(row["cash"], rel=1e-12)
    week = str(readme_study.ARGS[readme_study.ARGS.index("--steps") + 1])
    k = [o["label"] for o in report["options"]].index("direct")
    assert np.isclose(report["checkpoints"][week]["arr"][k][0], row["arr"])
