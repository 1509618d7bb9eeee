"""A button that copies a text to the clipboard and shows it, selectable, below.

The clipboard API needs a secure context (https or loopback); served to a room over
plain http it is missing, so the text is also shown in a read-only box to copy by hand.
"""

from __future__ import annotations

import ipyvuetify
import traitlets


class CopyTextWidget(ipyvuetify.VuetifyTemplate):
    template_file = (__file__, "copy_text.vue")

    text = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("Copy").tag(sync=True)
    css_class = traitlets.Unicode("").tag(sync=True)


def CopyText(text: str, label: str, css_class: str = ""):
    """A "copy" button for ``text``; after a click the text shows in a box."""
    return CopyTextWidget.element(text=text, label=label, css_class=css_class)
