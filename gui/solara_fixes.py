"""Work around a typo in Solara 1.58.2's router widget, once, at import.

Solara's ``navigator.vue`` assigns ``modules.export = {...}`` instead of
``module.exports``; ipyvue then logs "Failed to evaluate Vue script and find
module.exports, falling back to old method" in the browser console on every page
load (and parses the script a second way, which works). We give the widget the same
template text with the assignment spelled right; when Solara fixes the file, the
text no longer contains the typo and nothing is changed.
"""

from __future__ import annotations

from pathlib import Path

TYPO = "modules.export = {"


def fix_navigator_template() -> bool:
    """Make new Navigator widgets use the corrected template; True if a fix was needed."""
    from solara.widgets import widgets

    nav = widgets.Navigator
    if getattr(nav, "_salesweb_fixed", False):
        return True
    path = Path(nav.template_file)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if TYPO not in text:
        return False
    fixed = text.replace(TYPO, "module.exports = {", 1)
    original_init = nav.__init__

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("template", fixed)
        original_init(self, *args, **kwargs)

    nav.__init__ = __init__
    nav._salesweb_fixed = True
    return True
