"""``/workshop/team``: a team's page: its KPI cards, its decision, research, the market.

The page identifies the team by the link (room code, team number, team key): a reload
or a teammate's device opens the same team, and a link whose key is not that team's is
refused before anything is shown. Each round the team fills in its decision within the
facilitator's limits; the last submission before the round advances counts, whoever
on the team sent it. After each round the page shows the team's KPI cards (the
decision studio's), the leaderboard and the market.
"""

from __future__ import annotations

import time

import solara
from solara.alias import rv
from solara.server.kernel_context import get_current_context

from gui.kpi_cards import KpiCardsWidget
from gui.workshop import links
from gui.workshop.debrief_view import DebriefView
from gui.workshop.decisions import STRATEGY_WORDS, Decision, describe
from gui.workshop.form_button import FormButton, read_fields
from gui.workshop.guard import guarded
from gui.workshop.live import board_version, room_phase, room_version, use_room
from gui.workshop.research import STUDIES
from gui.workshop.room import FINISHED, LOBBY, OPEN_PHASES, Room, RoomError, Team
from gui.workshop.rooms import server_rooms
from gui.workshop.views import Notices, Report, RoundLine, Standings, chart, parse_number

STRATEGY_CHOICES = {STRATEGY_WORDS[s]: s for s in STRATEGY_WORDS}
"""Plain words on the page -> the model's strategy names."""


def resolve(search: str | None) -> tuple[Room | None, Team | None, str]:
    """(room, team, "") from a team link, or (None, None, why it is refused)."""
    q = links.query(search)
    try:
        room = server_rooms().get(q.get("room"))
        return room, room.team(q.get("team"), q.get("key")), ""
    except RoomError as exc:
        return None, None, str(exc)


@solara.component
def TeamPage():
    """The page's frame; it redraws only when the room's phase changes.

    Everything that changes at each round or submission lives in the small components
    below, each reading only the version it depends on: at an advance every session
    of the room redraws at once, in one server process, so a session redraws only its
    cards, its chart, the leaderboard and the round line, not the whole page.
    """
    router = solara.use_router()
    room, team, refused = resolve(router.search)
    use_room(room)
    _ = room_phase.value  # redraw the frame when the phase changes...
    phase = room.phase if room is not None else ""  # ...and read it first hand
    with solara.Column(classes=["sw-ws-page", "sw-ws-team"]):
        if room is None or team is None:
            solara.Error(f"Refused: {refused}", classes=["sw-ws-refused"])
            with solara.Link(links.home()):
                solara.Button("Join a room", text=True)
            return
        rv.Html(tag="h2", children=[f"Team {team.name}"], class_="sw-ws-team-name")
        RoundLine(room)
        Notices(room)
        if phase == LOBBY or room.board is None:
            Waiting(room)
        else:
            TeamDashboard(room, team)
            TeamDecision(room, team, phase)
            TeamChart(room, team)
            Standings(room, market=phase != FINISHED)
            if phase == FINISHED:
                DebriefView(room)
        Teammates(room, team)


@solara.component
def Waiting(room: Room):
    _ = room_version.value
    with room.lock:
        teams = room.team_names()
    solara.Info(
        f"Waiting for the facilitator to start. Teams in the room: {', '.join(teams)}.",
        classes=["sw-ws-waiting"],
    )


@solara.component
def TeamDashboard(room: Room, team: Team):
    """The team's KPI cards (the decision studio's), as of the last round."""
    _ = board_version.value
    board = room.board
    state = board.team_state[team.id]
    KpiCardsWidget.element(
        cards_json=board.cards_json[team.id],
        title=f"Your company: {STRATEGY_WORDS[state['strategy']]}, {state['reps']} reps, "
        f"quality {state['quality']:.2f}, week {board.week}",
    )


@solara.component
def TeamChart(room: Room, team: Team):
    _ = board_version.value
    chart(room.board.team_chart_json[team.id], "ws_team", "Your ARR and cash (USD thousands)")


@solara.component
def TeamDecision(room: Room, team: Team, phase: str):
    """The round's decision and research, or why there is none to make.

    Banners that come and go (submitted, out of cash) sit in a container of their own,
    so the form and the research keep their place among the children: reacton matches
    children by position, and a banner appearing before the form made every session
    recreate the whole form (about 40 widgets) at each submission and advance.
    """
    _ = room_version.value, board_version.value
    with room.lock:
        state = room.board.team_state[team.id]
        reports = list(room.reports.get(team.id, []))
        advised_id = room.advisors.get(team.id)
        advised = room.teams[advised_id] if advised_id is not None else None
        target = advised or team
        submitted = room.pending.get(target.id)
        by = room.submitted_by.get(target.id)
        target_state = room.board.team_state[target.id]
    with solara.Div(classes=["sw-ws-banners"]):
        Banners(state, advised, target, submitted, phase, target_state)
    if phase in OPEN_PHASES and target_state["alive"] and (state["alive"] or advised):
        start = submitted or Decision(
            strategy=target_state["strategy"],
            marketing_spend=target_state["marketing_spend"],
            seat_price=target_state["seat_price"],
        )
        DecisionForm(room, team, start, target_state["reps"], by, advised)
        if state["alive"]:
            Research(room, team, reports)
    elif phase not in OPEN_PHASES and phase != FINISHED:
        solara.Info(
            "The practice round is over. The facilitator starts the game next.",
            classes=["sw-ws-waiting"],
        )
    if phase not in OPEN_PHASES and reports:
        Research(room, team, reports, can_buy=False)


def Banners(state, advised, target, submitted, phase, target_state) -> None:
    """Out of cash (advising or not) and the submitted decision (no component: inline)."""
    if not state["alive"]:
        if advised is None:
            solara.Warning(
                f"Your company ran out of cash in week {state['exited']}. Watch the market: "
                "the debrief will ask what happened. The facilitator can make your team an "
                "advisor of a team still in the market, so you keep playing.",
                classes=["sw-ws-exited"],
            )
        else:
            solara.Warning(
                f"Your company ran out of cash in week {state['exited']}. You now advise "
                f"team {advised.name}: its decision below is yours to make with it.",
                classes=["sw-ws-exited", "sw-ws-advisor"],
            )
    deciding = phase in OPEN_PHASES and target_state["alive"] and (state["alive"] or advised)
    if deciding and submitted is not None:
        solara.Success(
            f"{'Team ' + target.name if advised else 'Your team'}'s decision for this "
            f"round: {describe(submitted)}. You may change it until the round advances; "
            "the last one counts.",
            classes=["sw-ws-submitted"],
        )


FORM_FIELDS = {"sw-ws-strategy": "strategy", "sw-ws-marketing": "marketing",
               "sw-ws-hires": "hires", "sw-ws-let-go": "let_go", "sw-ws-price": "price",
               "sw-ws-invest": "invest", "sw-ws-who": "who"}  # fmt: skip
"""The decision form's boxes (CSS class -> field) whose texts go with the Submit press."""


def form_texts(decision: Decision) -> dict[str, str]:
    """The form's fields for ``decision``, as a person would type them."""
    d = decision
    return {
        "strategy": STRATEGY_WORDS[d.strategy],
        "marketing": f"{d.marketing_spend:,.0f}",
        "hires": str(d.hires),
        "let_go": str(d.let_go),
        "price": f"{d.seat_price:g}",
        "invest": f"{d.investment:,.0f}",
    }


@solara.component
def DecisionForm(
    room: Room,
    team: Team,
    start: Decision,
    reps: int,
    by: tuple[str, str, float] | None = None,
    advised: Team | None = None,
):
    """The round's decision; starts from the team's submission or its current settings.

    The form stays mounted from round to round and redraws only when its starting
    decision or the team's reps change (then its fields start again from them): at
    each advance every session of the room redraws at once, and recreating or
    redrawing forms that did not change cost more than the rest of the redraw.
    """
    limits = room.settings.limits
    texts, set_texts = solara.use_state(form_texts(start))
    shown = solara.use_ref(start)
    if shown.current != start:  # a new round, or a teammate's submission
        shown.current = start
        texts = form_texts(start)
        set_texts(texts)
    error, set_error = solara.use_state("")
    who, set_who = solara.use_state("")
    device = solara.use_memo(lambda: get_current_context().id, [])

    def field(name: str):
        return lambda value: set_texts({**texts, name: value})

    strategy, marketing, hires = texts["strategy"], texts["marketing"], texts["hires"]
    let_go, price, invest = texts["let_go"], texts["price"], texts["invest"]
    set_strategy, set_marketing, set_hires = field("strategy"), field("marketing"), field("hires")
    set_let_go, set_price, set_invest = field("let_go"), field("price"), field("invest")

    def submit(values: dict[str, str]) -> None:
        """Submit what the boxes show (sent with the press: gui/workshop/form_button.py)."""
        now = read_fields(values, FORM_FIELDS, {**texts, "who": who})
        typed = {k: v for k, v in now.items() if k != "who"}
        if typed != texts:  # the form shows what was submitted, not a stale render's value
            set_texts(typed)
        if now["who"] != who:
            set_who(now["who"])
        strategy = now["strategy"]
        if strategy not in STRATEGY_CHOICES:
            raise RoomError(f"strategy: choose one of {', '.join(STRATEGY_CHOICES)}")
        decision = Decision(
            strategy=STRATEGY_CHOICES[strategy],
            marketing_spend=parse_number("marketing per week", now["marketing"]),
            hires=parse_number("reps to hire", now["hires"], integer=True),
            let_go=parse_number("reps to let go", now["let_go"], integer=True),
            seat_price=parse_number("monthly seat price", now["price"]),
            investment=parse_number("product investment", now["invest"]),
        )
        room.submit(team.id, team.key, decision, device=device, who=now["who"],
                    for_team=None if advised is None else advised.id)  # fmt: skip

    title = "This round's decision" + (f" for team {advised.name}" if advised else "")
    with solara.Card(title, classes=["sw-ws-card", "sw-ws-decision"]):
        with solara.Div(classes=["sw-ws-banners"]):  # its own place: the fields keep theirs
            if by is not None and by[0] != device:
                solara.Info(
                    f"{by[1] or 'A teammate'} changed the decision at "
                    f"{time.strftime('%H:%M', time.localtime(by[2]))} on another device; "
                    "the form shows it now.",
                    classes=["sw-ws-overwritten"],
                )
        solara.Select("Strategy", values=list(STRATEGY_CHOICES), value=strategy,
                      on_value=set_strategy, classes=["sw-ws-strategy"])  # fmt: skip
        solara.InputText(
            "Marketing per week (USD)", value=marketing, on_value=set_marketing,
            message=f"0 to {limits.max_marketing:,.0f}; paid while you sell bottoms-up or hybrid",
            classes=["sw-ws-marketing"],
        )  # fmt: skip
        with solara.Row(classes=["sw-ws-row"]):
            solara.InputText(
                "Reps to hire", value=hires, on_value=set_hires,
                message=f"up to {limits.max_hires}; they ramp up over a quarter",
                classes=["sw-ws-hires"],
            )  # fmt: skip
            solara.InputText(
                "Reps to let go", value=let_go, on_value=set_let_go,
                message=f"you have {reps}", classes=["sw-ws-let-go"],
            )  # fmt: skip
        solara.InputText(
            "Monthly seat price (USD)", value=price, on_value=set_price,
            message=f"{limits.min_seat_price:g} to {limits.max_seat_price:g}; new contracts and renewals",
            classes=["sw-ws-price"],
        )  # fmt: skip
        solara.InputText(
            "Product investment (USD, paid now)", value=invest, on_value=set_invest,
            message=f"up to {limits.max_investment:,.0f}; raises quality, less for each dollar more",
            classes=["sw-ws-invest"],
        )  # fmt: skip
        solara.InputText("Your name (optional: shown to your teammates)", value=who,
                         on_value=set_who, classes=["sw-ws-who"])  # fmt: skip
        FormButton(
            "Submit decision",
            on_press=guarded(submit, set_error, "submitting the decision", lambda: set_error("")),
            fields=list(FORM_FIELDS),
            scope="sw-ws-decision",
            css="sw-ws-submit",
            color="primary",
        )
        if error:
            solara.Error(error, classes=["sw-ws-error"])


@solara.component
def Research(room: Room, team: Team, reports: list[dict], can_buy: bool = True):
    """Buy a study (its price comes out of cash now) and read the team's reports."""
    error, set_error = solara.use_state("")
    price = room.settings.research_price

    buy = guarded(
        lambda study: room.buy(team.id, team.key, study),
        set_error,
        "buying the study",
        lambda: set_error(""),
    )

    unsold: dict[str, str | None] = {}
    if can_buy:
        with room.lock:
            unsold = dict(room.unsold.get(team.id, {}))
    with solara.Card("Market research", classes=["sw-ws-card", "sw-ws-research"]):
        if can_buy:
            solara.Text(f"Each study costs ${price:,.0f} of cash, paid now.")
            with solara.Row(classes=["sw-ws-row"]):
                for study, title in STUDIES.items():
                    solara.Button(
                        f"Buy: {title}",
                        on_click=lambda study=study: buy(study),
                        classes=["sw-ws-buy", f"sw-ws-buy-{study}"],
                        outlined=True,
                        disabled=unsold.get(study) is not None,
                    )
            with solara.Div(classes=["sw-ws-unsold-notes"]):
                for study, why in unsold.items():
                    if why is not None:
                        rv.Html(tag="div", class_="sw-ws-note sw-ws-unsold",
                                children=[f"{STUDIES[study]}: not for sale yet: {why}."])  # fmt: skip
        if error:
            solara.Error(error, classes=["sw-ws-error"])
        for number, report in reversed(list(enumerate(reports))):
            Report(report).key(f"report-{number}")  # a new report does not shift the others


@solara.component
def Teammates(room: Room, team: Team):
    """How a teammate joins this team from another device."""
    with solara.Div(classes=["sw-ws-teammates"]):
        solara.Text(
            f"Teammates join at /workshop with room code {room.code}, team name "
            f"{team.name!r} and team key {team.key}, or open this page's link."
        )
