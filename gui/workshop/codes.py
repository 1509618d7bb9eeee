"""Join codes and keys that people read aloud, type on a phone and cannot confuse.

The alphabets leave out letters and digits that look or sound alike (``0/O/Q``,
``1/I/L``, ``2/Z``, ``5/S``, ``8/B``, ``U/V``), so a code written on a whiteboard is typed
right. Codes come from :mod:`secrets` (not the simulation's random stream: a room's
market must not depend on which codes it was given).

* A room's join code (:data:`JOIN_CODE_LENGTH` letters of :data:`LETTERS`, 17 ** 4 =
  83,521 codes) is said to the whole class: it lets a person in, not act for a team.
* A team key (:data:`KEY_LENGTH` characters of :data:`ALPHABET`, 21 ** 8 = 3.8e10
  values) is what lets a
  device act for a team: it is in the team's link and typed by a teammate joining later.
* A facilitator key protects the room's controls the same way.
"""

from __future__ import annotations

import secrets

LETTERS = "ACDEFGHJKMNPRTWXY"
"""17 letters: no O/Q, I/L, Z, S, B, U/V."""
ALPHABET = LETTERS + "3469"
"""21 characters for keys: the letters and the digits nobody reads as a letter."""
JOIN_CODE_LENGTH = 4
"""Letters of a join code: short enough to say aloud."""
KEY_LENGTH = 8


def _draw(n: int, alphabet: str = ALPHABET) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def new_join_code(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A join code that no room in ``taken`` has."""
    while True:
        code = _draw(JOIN_CODE_LENGTH, LETTERS)
        if code not in taken:
            return code


def new_key() -> str:
    """A team or facilitator key."""
    return _draw(KEY_LENGTH)


def normalize(text: str | None) -> str:
    """What a person typed, as a code: upper case, spaces and dashes dropped.

    ``"abcd"``, ``" AB-CD "`` and ``"ab cd"`` all become ``"ABCD"``; the letters a
    person may type for a left-out one (``O`` for ``0``...) are not guessed at: a
    wrong code is refused.
    """
    return "".join(ch for ch in (text or "").upper() if ch not in " -_\t")


def same_key(given: str | None, expected: str) -> bool:
    """Compare keys in constant time (no timing hint about how much of a key was right)."""
    return secrets.compare_digest(normalize(given).encode(), expected.encode())
