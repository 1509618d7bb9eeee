"""Pages that come back by themselves after the server restarts, saying so meanwhile.

When the server stops, Solara's page shows "Server disconnected" and, once a new
server answers, "Please refresh the page": the browser tab's session (its kernel)
died with the old process, and Solara cannot rebuild it. A workshop page needs
nothing from that session: who is who is in its link, and the room is in its file
(:mod:`gui.workshop.persistence`). So every workshop page carries this watcher: it
reads Solara's connection status in the browser every second; once the connection
is lost it shows "Reconnecting to the server..." above everything, asks the server
for ``/workshop`` each second, and reloads the page as soon as it answers. The page
then opens its link again on the new server, exactly as a person's reload would.

It costs the server nothing while connected (the check is a variable read in the
browser) and one small request per second per page while the server is down.
"""

from __future__ import annotations

import ipyvuetify
import traitlets

from gui.workshop import links

CHECK_MS = 1000


class ReconnectWidget(ipyvuetify.VuetifyTemplate):
    template_file = (__file__, "reconnect.vue")

    probe_url = traitlets.Unicode(links.BASE).tag(sync=True)
    every_ms = traitlets.Int(CHECK_MS).tag(sync=True)


def Reconnect():
    """The watcher (nothing visible while connected)."""
    return ReconnectWidget.element(probe_url=links.BASE, every_ms=CHECK_MS)
