"""The page ``salesweb calibrate --out`` writes says how to remake it and on which seeds."""

from __future__ import annotations

import pandas as pd

from experiments.calibration import calibration_report


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {"low": [0.01, float("nan")], "high": [0.08, float("nan")], "mean": [0.05, 3.0],
         "se": [0.001, 0.1], "in_band": [True, None], "source": ["a survey", ""]},
        index=["reply_rate", "reps_total"],
    )  # fmt: skip


def test_the_report_names_its_own_file_and_reported_seeds():
    text = calibration_report(_table(), "default", 1001, 1020, "out/cal.md")
    assert text.startswith("# Calibration of the default market\n")
    assert "--first-seed 1001 --out out/cal.md`" in text
    assert "never on these" in text and "1 of 1 outputs are in their band" in text


def test_a_report_on_tuning_seeds_says_it_is_a_tuning_check():
    text = calibration_report(_table(), "/tmp/probe.toml", 111, 130, "probe.md")
    assert text.startswith("# Calibration of `/tmp/probe.toml`\n")
    assert "never on these" not in text
    assert "Seeds 111-120 are among those the defaults were tuned on" in text
