"""One-off investigations of why a claim fails (issue 16, point 7): scripts that print
the quantities a diagnosis rests on, on tuning seeds 101-120 only.

Run one as ``PYTHONPATH=. python -m experiments.investigations.<name>``; its report is
``docs/investigations/<name>.md``.
"""


def parse_seeds(text: str) -> list[int]:
    """``"101-120"`` (a range, both ends included) or ``"101,105,110"`` (a list): the
    ``--seeds`` option the scripts share."""
    if "-" in text:
        a, b = text.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(s) for s in text.split(",")]
