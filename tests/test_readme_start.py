"""The README starts with the two commands a fresh machine needs, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def first_block(text: str) -> list[str]:
    """The command lines of the README's first fenced block (comments stripped)."""
    match = re.search(r"```[^\n]*\n(.*?)```", text, re.S)
    assert match, "the README has no fenced block"
    return [line.split("#", 1)[0].strip() for line in match.group(1).splitlines() if line.strip()]


def test_the_readme_opens_with_exactly_make_run_and_make_test():
    text = README.read_text()
    assert text.index("```") < text.index("\n## "), "the commands come before any section"
    assert first_block(text) == ["make run", "make test"]


def test_a_third_command_in_the_block_is_caught():
    planted = "# Sales Web\n\n```\nmake run  # a\nmake test  # b\nmake test-quick  # c\n```\n"
    assert first_block(planted) == ["make run", "make test", "make test-quick"]
