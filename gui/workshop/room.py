"""A workshop room: explicit shared state behind one lock, and who is told when it changes.

Solara's reactive variables are per browser tab, and every session of the server runs
in one process (STACK-NOTES.md), so a room is a plain Python object shared by the
sessions of its facilitator and teams:

* **State** (:class:`Room`): settings, teams and their keys, the phase, the open round,
  the submitted decisions, research bought, the market (:class:`RoomMarket`) and the
  board every screen shows (:class:`Board`). Every read or change of it holds
  :attr:`Room.lock`.
* **Who may act**: every team action names a team and its key (:func:`Room.team`); a
  wrong key is refused, so one participant cannot submit for another. Facilitator
  actions need the facilitator key.
* **Broadcast**: each session subscribes a callback (:mod:`gui.workshop.live` wraps it in
  the session's kernel context); after every change the room calls every callback with
  the room's new version, outside the lock, in a thread of its own.
* **Rounds** advance when the facilitator says so, when every team still in the market
  has submitted (``auto_advance``), or at the round's deadline (a timer).
* **Saving**: after every change that matters (a team joins, a decision or purchase, a
  round) the room calls ``on_change`` (:mod:`gui.workshop.persistence` saves it).

Phases: ``lobby`` (teams join, the facilitator sets the game up) -> optionally
``practice`` (one round on a practice market) -> ``practice_done`` -> ``playing``
(rounds 1..n) -> ``finished`` (the debrief). Reset goes back to the lobby, keeping the
teams.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from gui.workshop import codes
from gui.workshop.board import Board, build_board
from gui.workshop.decisions import Decision, DecisionError
from gui.workshop.market import Purchase, RoomMarket
from gui.workshop.research import STUDIES, ResearchError, nothing_yet, run_study, study_rng
from gui.workshop.settings import MAX_TEAMS, RoomSettings, SettingsError, check_market

LOBBY, PRACTICE, PRACTICE_DONE, PLAYING, FINISHED = (
    "lobby", "practice", "practice_done", "playing", "finished",
)  # fmt: skip
PHASES = (LOBBY, PRACTICE, PRACTICE_DONE, PLAYING, FINISHED)
OPEN_PHASES = (PRACTICE, PLAYING)
MAX_NAME = 24
BROADCAST_THREADS = 4
"""Sessions redrawn at once after a change (see :meth:`Room.broadcast`)."""

log = logging.getLogger(__name__)


class RoomError(ValueError):
    """An action the room refuses: wrong code or key, wrong phase, bad input."""


@dataclass(frozen=True)
class Team:
    """A team: its number (= its vendor), its name and its key."""

    id: int
    name: str
    key: str


@dataclass
class PlayedRound:
    """What a round was played with: the decisions, the purchases, how it advanced."""

    decisions: dict[int, Decision]
    purchases: list[Purchase]
    reason: str = "facilitator"

    def to_dict(self) -> dict[str, Any]:
        return {
            "decisions": {str(t): d.to_dict() for t, d in sorted(self.decisions.items())},
            "purchases": [p.to_dict() for p in self.purchases],
            "reason": self.reason,
        }


def clean_who(who: Any) -> str:
    """A person's name as a teammate's tab announces it (short, printable; may be empty)."""
    text = " ".join(str(who or "").split())[:MAX_NAME]
    return "".join(ch for ch in text if ch.isprintable())


def clean_name(name: Any) -> str:
    """A team name as shown: stripped, inner spaces collapsed; RoomError if unusable."""
    text = " ".join(str(name or "").split())
    if not text:
        raise RoomError("team name: type a name for your team")
    if len(text) > MAX_NAME:
        raise RoomError(f"team name: at most {MAX_NAME} characters, got {len(text)}")
    if any(not ch.isprintable() for ch in text):
        raise RoomError("team name: letters, digits, spaces and punctuation only")
    return text


@dataclass
class Room:
    """One room's shared state; see the module doc. Build with :meth:`Rooms.create`."""

    code: str
    facilitator_key: str
    settings: RoomSettings = field(default_factory=RoomSettings)
    teams: list[Team] = field(default_factory=list)
    phase: str = LOBBY
    played: list[PlayedRound] = field(default_factory=list)
    pending: dict[int, Decision] = field(default_factory=dict)
    pending_purchases: list[Purchase] = field(default_factory=list)
    reports: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    deadline: float | None = None
    market: RoomMarket | None = None
    board: Board | None = None
    version: int = 0
    board_version: int = 0
    created: float = field(default_factory=time.time)
    last_activity: float = field(default_factory=time.time)
    """Epoch seconds of the last change: idle rooms expire (:meth:`Rooms.expire_idle`)."""
    closed: bool = False
    """Closed by the facilitator: results stay readable, nothing can change."""
    events: list[dict[str, Any]] = field(default_factory=list)
    """The facilitator's actions during play (pause, extend, rename...), for the audit."""
    paused_left: float | None = None
    """Seconds the open round had left when the clock was paused (None: running)."""
    leaderboard_visible: bool = True
    message: str = ""
    """The facilitator's message to every team (empty: none)."""
    message_time: float | None = None
    removed: set[int] = field(default_factory=set)
    """Teams the facilitator removed: their vendor keeps its settings, no one steers it."""
    advisors: dict[int, int] = field(default_factory=dict)
    """Bankrupt team -> the team it advises (it decides with that team)."""
    unsold: dict[int, dict[str, str | None]] = field(default_factory=dict)
    """Team -> study -> why it is not for sale now (None: for sale); with each board."""
    submitted_by: dict[int, tuple[str, str, float]] = field(default_factory=dict)
    """Team -> (device, who, epoch seconds) of the pending decision's last submission."""
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    on_change: Callable[[Room], None] | None = field(default=None, repr=False)
    run_later: Callable[[Callable[[], None]], None] | None = field(default=None, repr=False)
    last_advance_seconds: float | None = None
    broadcasts: deque = field(default_factory=lambda: deque(maxlen=50), repr=False)
    """(version, sessions told, seconds) of the latest broadcasts: what redrawing every
    session costs."""
    _subscribers: dict[int, Callable[[int], None]] = field(default_factory=dict, repr=False)
    _next_token: int = 0
    _timer: threading.Timer | None = field(default=None, repr=False)
    _broadcast_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # its own lock: a broadcast may run while a thread holds the room's (the callbacks
    # run in other threads, and a failing one is unsubscribed from there)
    _subscribers_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # ------------------------------------------------------------------ who is who
    def check_facilitator(self, key: str | None) -> None:
        if not codes.same_key(key, self.facilitator_key):
            raise RoomError(f"room {self.code}: this is not the facilitator's key")

    def team(self, team_id: Any, key: str | None) -> Team:
        """The team ``team_id`` if ``key`` is its key; RoomError otherwise."""
        with self.lock:
            try:
                number = int(team_id)
                team = self.teams[number] if number >= 0 else None
            except (TypeError, ValueError, IndexError):
                team = None
            if team is None:
                raise RoomError(f"room {self.code} has no team {team_id!r}")
            if team.id in self.removed:
                raise RoomError(f"team {team.name!r} was removed by the facilitator")
            if not codes.same_key(key, team.key):
                raise RoomError(f"room {self.code}: this key does not belong to team {team.name!r}")
            return team

    def join(self, name: Any, key: str | None = None) -> Team:
        """Join as a new team (in the lobby), or join an existing team with its key.

        A name already taken needs that team's key (a teammate shares it); a new name
        is refused once the market is built, since each team is a vendor of it.
        """
        name = clean_name(name)
        with self.lock:
            self._require_usable()
            for team in self.teams:
                if team.name.casefold() == name.casefold():
                    if key and codes.same_key(key, team.key):
                        return team
                    raise RoomError(
                        f"team {team.name!r} exists; ask a teammate for its team key "
                        "(on their screen) to join it"
                    )
            if self.phase != LOBBY:
                raise RoomError(
                    "the game has started: new teams cannot join; join a team with its key"
                )
            if len(self.teams) >= MAX_TEAMS:
                raise RoomError(f"room {self.code} is full ({MAX_TEAMS} teams)")
            check_market(self.settings, len(self.teams) + 1)
            team = Team(id=len(self.teams), name=name, key=codes.new_key())
            self.teams.append(team)
            self._changed()
            return team

    # ------------------------------------------------------------------ facilitator
    def update_settings(self, key: str | None, **changes: Any) -> RoomSettings:
        self.check_facilitator(key)
        with self.lock:
            self._require_usable()
            if self.phase != LOBBY:
                raise RoomError("settings are fixed once a round has started; reset the room first")
            try:
                new = self.settings.with_changes(**changes)
                check_market(new, len(self.teams))
            except (SettingsError, TypeError) as exc:
                raise RoomError(str(exc)) from None
            self.settings = new
            self._changed()
            return new

    def start(self, key: str | None, practice: bool = False) -> None:
        """Build the market and open round 1 (of the game, or the practice round)."""
        self.check_facilitator(key)
        with self.lock:
            self._require_usable()
            allowed = (LOBBY,) if practice else (LOBBY, PRACTICE_DONE)
            if self.phase not in allowed:
                raise RoomError(
                    f"cannot start {'a practice round' if practice else 'the game'} now ({self.phase})"
                )
            if not self.teams:
                raise RoomError("no team has joined yet")
            self._build(practice)
            self.phase = PRACTICE if practice else PLAYING
            self._open_round()
            self._changed()

    def reset(self, key: str | None) -> None:
        """Back to the lobby: the market, decisions and research go; teams stay."""
        self.check_facilitator(key)
        with self.lock:
            self._cancel_timer()
            self.phase = LOBBY
            self.played, self.pending, self.pending_purchases = [], {}, []
            self.paused_left, self.submitted_by = None, {}
            self.reports, self.market, self.board, self.deadline = {}, None, None, None
            self.board_version += 1
            self._changed()

    def advance(
        self, key: str | None = None, reason: str = "facilitator", only_round: int | None = None
    ) -> bool:
        """Play the open round: apply the decisions, run the weeks, open the next round.

        ``key`` is the facilitator's (None for the room's own triggers: every team
        submitted, the deadline). ``only_round`` advances only if that round is still
        the open one, so two triggers at once advance once. Returns True if it advanced.
        """
        if key is not None or reason == "facilitator":
            self.check_facilitator(key)
        with self.lock:
            if self.closed and reason != "facilitator":
                return False
            self._require_usable()
            if self.phase not in OPEN_PHASES:
                if reason == "facilitator":
                    raise RoomError("no round is open")
                return False
            if only_round is not None and only_round != self.open_round:
                return False
            t0 = time.perf_counter()
            self._play(reason)
            self.last_advance_seconds = time.perf_counter() - t0
            self._changed()
            return True

    def _play(self, reason: str) -> None:
        """Play the open round with what is pending (lock held); live and on replay."""
        self._cancel_timer()
        played = PlayedRound(dict(self.pending), list(self.pending_purchases), reason)
        self.market.play_round(played.decisions)
        self.played.append(played)
        self.pending, self.pending_purchases, self.submitted_by = {}, [], {}
        if self.phase == PRACTICE:
            self.phase = PRACTICE_DONE
            self.deadline = None
        elif len(self.played) >= self.settings.rounds:
            self.phase = FINISHED
            self.deadline = None
        else:
            self._open_round()
        self._new_board()

    def replay(
        self,
        phase: str,
        rounds: list[PlayedRound],
        pending: dict[int, Decision],
        purchases: list[Purchase],
    ) -> None:
        """Rebuild the market of a saved room by playing its sequence again (no save, no broadcast).

        The order is the market's canonical one (:mod:`gui.workshop.market`), the same
        the room followed live, so the market comes back bit for bit.
        """
        with self.lock:
            self.phase = LOBBY
            if phase == LOBBY:
                return
            practice = phase in (PRACTICE, PRACTICE_DONE)
            self._build(practice)
            self.phase = PRACTICE if practice else PLAYING
            for played in rounds:
                for purchase in played.purchases:
                    self._pay_and_report(purchase)
                self.pending = dict(played.decisions)
                self._play(played.reason)
            for purchase in purchases:
                self._pay_and_report(purchase)
            if self.phase in OPEN_PHASES:
                for team, decision in pending.items():
                    try:
                        self.pending[team] = self.market.validate(team, decision)
                    except DecisionError:
                        continue  # no longer possible: the team decides again
            if self.phase != phase:
                raise RoomError(
                    f"room {self.code}: replay ended in {self.phase!r}, saved {phase!r}"
                )
            self._new_board()

    # ------------------------------------------------------------------ teams
    def submit(
        self,
        team_id: int,
        key: str | None,
        decision: Decision,
        device: str = "",
        who: str = "",
        for_team: int | None = None,
    ) -> Decision:
        """Record a team's decision for the open round (the last one before the advance counts).

        ``device`` and ``who`` say which browser tab sent it and by whom ("Ana"), so a
        teammate's other tab can announce the change. ``for_team``: an advisor (a
        bankrupt team, :func:`gui.workshop.controls.make_advisor`) decides for the
        team it advises.
        """
        team = self.team(team_id, key)
        with self.lock:
            self._require_usable()
            self._require_open()
            if for_team is not None:
                if self.advisors.get(team.id) != for_team:
                    raise RoomError(f"team {team.name!r} does not advise that team")
                who = f"{clean_who(who) or 'the advisors'} ({team.name})"
                team = self.teams[for_team]
            try:
                decision = self.market.validate(team.id, decision)
            except DecisionError as exc:
                raise RoomError(str(exc)) from None
            self.pending[team.id] = decision
            self.submitted_by[team.id] = (device, clean_who(who), time.time())
            everyone = self.all_submitted()
            round_now = self.open_round
            self._changed()
        if everyone and self.settings.auto_advance:
            self._later(lambda: self.advance(reason="all submitted", only_round=round_now))
        return decision

    def buy(self, team_id: int, key: str | None, study: str) -> dict[str, Any]:
        """Buy a market-research study for the team now; returns its report."""
        team = self.team(team_id, key)
        if study not in STUDIES:
            raise RoomError(f"study {study!r}: expected one of {', '.join(STUDIES)}")
        with self.lock:
            self._require_usable()
            self._require_open()
            why = self.unsold.get(team.id, {}).get(study)
            if why is not None:
                raise RoomError(f"{STUDIES[study]}: not for sale now ({why}); nothing was charged")
            report = self._pay_and_report(Purchase(team.id, study))
            self._new_board()  # the team's cash changed
            self._changed()
            return report

    def _pay_and_report(self, purchase: Purchase) -> dict[str, Any]:
        """Pay for a study, compute its report, keep both (lock held; live and on replay)."""
        try:
            self.market.pay_for_research(purchase.team, self.settings.research_price)
        except DecisionError as exc:
            raise RoomError(str(exc)) from None
        self.market.sync_cash(purchase.team)  # one cash figure: cards, leaderboard, exports
        self.pending_purchases.append(purchase)
        rng = study_rng(self.market.seed, self.open_round, purchase.team, purchase.study)
        names = {t.id: t.name for t in self.teams}
        try:
            report = run_study(purchase.study, self.market.model, purchase.team, names, rng,
                               self.settings.weeks_per_round)  # fmt: skip
        except ResearchError as exc:
            raise RoomError(str(exc)) from None
        report["round"] = self.round_label()
        self.reports.setdefault(purchase.team, []).append(report)
        return report

    # ------------------------------------------------------------------ reading
    @property
    def open_round(self) -> int:
        """Number of the open round (1-based; the practice round is 1 of its market)."""
        return len(self.played) + 1

    def round_label(self) -> str:
        if self.phase in (PRACTICE, PRACTICE_DONE):
            return "practice round"
        if self.phase == FINISHED:
            return f"game over after round {len(self.played)}"
        if self.phase == LOBBY:
            return "lobby"
        return f"round {self.open_round} of {self.settings.rounds}"

    def team_names(self) -> list[str]:
        return [t.name for t in self.teams]

    def all_submitted(self) -> bool:
        """Every team whose company is still in the market has submitted."""
        with self.lock:
            if self.market is None:
                return False
            alive = [
                t.id
                for t in self.teams
                if self.market.teams[t.id].alive and t.id not in self.removed
            ]
            return bool(alive) and all(t in self.pending for t in alive)

    def seconds_left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.time())

    # ------------------------------------------------------------------ broadcast
    def subscribe(self, callback: Callable[[int], None]) -> int:
        """Call ``callback(version)`` after every change; returns a token to unsubscribe."""
        with self._subscribers_lock:
            self._next_token += 1
            self._subscribers[self._next_token] = callback
            return self._next_token

    def unsubscribe(self, token: int) -> None:
        with self._subscribers_lock:
            self._subscribers.pop(token, None)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def _changed(self) -> None:
        """After a change (lock held): bump the version, save, tell every session."""
        self.version += 1
        self.last_activity = time.time()
        if self.on_change is not None:
            self.on_change(self)
        version = self.version
        self._later(lambda: self.broadcast(version))

    def broadcast(self, version: int) -> None:
        """Call every subscriber with ``version``; one that fails is dropped.

        Sessions are told by :data:`BROADCAST_THREADS` threads at once: a session's
        redraw spends part of its time waiting for the server's event loop to send
        its widget updates, and another session's redraw fills that wait.
        """
        with self._broadcast_lock:
            if version < self.version:
                return  # a newer broadcast follows and carries this change too
            with self._subscribers_lock:
                subscribers = list(self._subscribers.items())
            t0 = time.perf_counter()

            def tell(item: tuple[int, Callable[[int], None]]) -> None:
                token, callback = item
                try:
                    callback(version)
                except Exception as exc:  # a closed session: forget it, tell the others
                    if type(exc).__name__ != "SessionClosed":
                        log.warning("room %s: a session's update failed; dropped", self.code,
                                    exc_info=True)  # fmt: skip
                    self.unsubscribe(token)

            if len(subscribers) > 1 and BROADCAST_THREADS > 1:
                with ThreadPoolExecutor(BROADCAST_THREADS, thread_name_prefix="tell") as pool:
                    list(pool.map(tell, subscribers))
            else:
                for item in subscribers:
                    tell(item)
            self.broadcasts.append((version, len(subscribers), time.perf_counter() - t0))

    def _later(self, work: Callable[[], None]) -> None:
        if self.run_later is not None:
            self.run_later(work)
        else:
            threading.Thread(target=work, daemon=True, name=f"room-{self.code}").start()

    # ------------------------------------------------------------------ internals
    def _require_usable(self) -> None:
        if self.closed:
            raise RoomError(f"room {self.code} was closed by the facilitator")

    def log_event(self, action: str, detail: str) -> None:
        """Add a facilitator action to the audit (lock held; the caller saves)."""
        self.events.append(
            {
                "time": time.time(),
                "round": self.round_label(),
                "week": self.market.week if self.market is not None else 0,
                "action": action,
                "detail": detail,
            }
        )

    def _require_open(self) -> None:
        if self.phase not in OPEN_PHASES:
            raise RoomError(f"no round is open ({self.round_label()})")

    def _build(self, practice: bool) -> None:
        try:
            self.market = RoomMarket(self.settings, len(self.teams), practice=practice)
        except SettingsError as exc:
            raise RoomError(str(exc)) from None
        self.played, self.pending, self.pending_purchases, self.reports = [], {}, [], {}
        self._new_board()

    def _new_board(self) -> None:
        self.board = build_board(self.market, self.team_names(), self.removed)
        weeks = self.settings.weeks_per_round
        self.unsold = {
            t.id: {s: nothing_yet(s, self.market.model, t.id, weeks) for s in STUDIES}
            for t in self.teams
        }  # once per board, not once per session's redraw
        self.board_version += 1

    def _open_round(self) -> None:
        """Open the next round and arm its deadline, if any."""
        minutes = self.settings.deadline_minutes
        self.paused_left = None
        self._arm(time.time() + 60.0 * minutes if minutes > 0 else None)

    def restore_deadline(self, deadline: float) -> None:
        """After a restart: the open round keeps the deadline it had (epoch seconds).

        A deadline that passed while the server was down advances the round at once,
        as it would have; outside an open round there is nothing to restore.
        """
        with self.lock:
            if self.phase in OPEN_PHASES and self.settings.deadline_minutes > 0:
                self._arm(deadline)

    def _arm(self, deadline: float | None) -> None:
        """Set the open round's deadline and the timer that advances it."""
        self._cancel_timer()
        self.deadline = deadline
        if deadline is None:
            return
        number = self.open_round
        self._timer = threading.Timer(
            max(0.0, deadline - time.time()),
            lambda: self.advance(reason="deadline", only_round=number),
        )
        self._timer.daemon = True
        self._timer.start()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def close(self) -> None:
        """Stop the room's timer (the server or a test is done with it)."""
        with self.lock:
            self._cancel_timer()
        with self._subscribers_lock:
            self._subscribers.clear()
