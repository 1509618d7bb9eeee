"""Browser tooling for the app: Chromium lookup, latency and load benchmarks, screenshots.

They drive the GUI (``gui/``) from the outside and live beside it so that ``experiments/``
never imports ``gui/`` (docs/architecture.md). Each script runs from the repository root,
e.g. ``python gui/tools/workshop_load.py --teams 30 --rounds 3 --browsers 2``.
"""
