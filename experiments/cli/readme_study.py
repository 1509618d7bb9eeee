"""The README's study example, regenerated from the command it shows.

``python -m experiments.cli.readme_study`` runs :data:`ARGS` through ``salesweb study``,
which writes its report to ``docs/examples/study.*`` (tables, JSON, one-page Markdown
and charts), then rewrites the README's text between the ``study-example`` markers with
the recommendation it printed. ``tests/test_readme_study.py`` checks that the README
quotes that JSON word for word, that the JSON's recommendation follows from its own
runs, and that one of its runs is what the model gives for that seed today, so the
README's numbers cannot drift from the model without a failing test.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

from experiments.io import write_text

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
OUT = Path("docs/examples/study.csv")
ARGS = [
    "--scenario", "default", "--seeds", "10", "--steps", "260", "--seed", "1",
    "--option", "bottoms-up: strategy=bottoms_up",
    "--option", "direct: strategy=direct",
    "--option", "hybrid: strategy=hybrid",
]  # fmt: skip
START, END = "<!-- study-example:start -->", "<!-- study-example:end -->"


def command() -> str:
    """The command as the README shows it."""
    return "salesweb study " + shlex.join([*ARGS, "--out", str(OUT)])


def block(report: dict) -> str:
    """The README's text between the markers: the command and what it printed."""
    lines = report["recommendation"]["lines"]
    return (
        f"{START}\n```\n{command()}\n```\n\nprints, after its per-option table "
        f"(report: [`{OUT.with_suffix('.md')}`]({OUT.with_suffix('.md')})):\n\n"
        + "\n".join(f"> {line}\n>" for line in lines).rstrip(">").rstrip()
        + f"\n{END}"
    )


def quoted(readme: str) -> str:
    """The README's current text between the markers (markers included)."""
    a, b = readme.index(START), readme.index(END) + len(END)
    return readme[a:b]


def main() -> None:
    from experiments.cli import app

    os.chdir(ROOT)  # the report names the command with the README's relative path
    sys.argv = ["salesweb", "study", *ARGS, "--out", str(OUT), "--quiet"]
    try:
        app()
    except SystemExit as exc:
        if exc.code:
            raise
    report = json.loads((ROOT / OUT).with_suffix(".json").read_text())
    text = README.read_text()
    write_text(README, text.replace(quoted(text), block(report)))
    print(f"README study example updated from {OUT.with_suffix('.json')}")


if __name__ == "__main__":
    main()
