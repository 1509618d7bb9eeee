"""One-off investigations of why a claim fails (issue 16, point 7): scripts that print
the quantities a diagnosis rests on, on tuning seeds 101-120 only.

Run one as ``PYTHONPATH=. python -m experiments.investigations.<name>``; its report is
``docs/investigations/<name>.md``.
"""
