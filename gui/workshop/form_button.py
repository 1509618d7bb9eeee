"""A form's button that sends, with the press, what is in the form's boxes at that instant.

Why not ``solara.Button`` after ``solara.InputText``: a text box tells the server its
value by a widget state update, and the browser's widget manager holds a state update
back while the previous one of the same box is unanswered (ipywidgets' message
throttle), whereas a button press is a custom message that is never held back. On a
busy server (every session of a class redrawing at an advance) a person who types
"12" and presses Submit at once can reach the server before the "2" does, and the
server submits 1, or the box's previous value (the box commits only on focus-out,
itself a custom message that reads the box's last synced value). Browser tests saw it
as the previous message being sent, or a decision submitted without its last field.

This button reads the boxes named by ``fields`` (CSS classes of ``solara.InputText``
or ``solara.Select`` inside the element with class ``scope``) in the browser and sends
their texts in the press itself, so the server acts on exactly what the person sees.
The texts are untrusted input like any typed value: only the named fields are kept,
as strings, and the page parses them as before (:func:`gui.workshop.views.parse_number`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipyvuetify
import traitlets


class FormButtonWidget(ipyvuetify.VuetifyTemplate):
    template_file = (__file__, "form_button.vue")

    label = traitlets.Unicode("").tag(sync=True)
    color = traitlets.Unicode("").tag(sync=True)
    button_class = traitlets.Unicode("").tag(sync=True)  # not `css`: VueTemplate's style sheet
    scope = traitlets.Unicode("").tag(sync=True)
    fields = traitlets.List(traitlets.Unicode()).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    text = traitlets.Bool(False).tag(sync=True)
    outlined = traitlets.Bool(False).tag(sync=True)
    pressed = traitlets.Dict()  # server side only: {"n": presses, "values": {field: text}}

    def vue_press(self, data) -> None:
        """The browser's press: keep the named fields' texts (strings only)."""
        sent = data if isinstance(data, dict) else {}
        values = {f: sent[f] for f in self.fields if isinstance(sent.get(f), str)}
        self.pressed = {"n": self.pressed.get("n", 0) + 1, "values": values}


def read_fields(values: dict[str, str], fields: dict[str, str], texts: dict[str, str]) -> dict:
    """``texts`` updated with the pressed ``values`` (``fields``: CSS class -> text key)."""
    return {**texts, **{key: values[css] for css, key in fields.items() if css in values}}


def FormButton(
    label: str,
    on_press: Callable[[dict[str, str]], None],
    fields: Sequence[str],
    scope: str,
    css: str = "",
    color: str = "",
    disabled: bool = False,
    text: bool = False,
    outlined: bool = False,
):
    """A button whose press calls ``on_press({field css class: text in its box})``."""
    return FormButtonWidget.element(
        label=label,
        color=color,
        button_class=css,
        scope=scope,
        fields=list(fields),
        disabled=disabled,
        text=text,
        outlined=outlined,
        on_pressed=lambda pressed: on_press(dict(pressed.get("values", {}))),
    )
