"""The fingerprint script tells a changed seeded run from an unchanged one, and names the output."""

from __future__ import annotations

from experiments import fingerprint


def test_same_code_same_fingerprint_and_a_change_is_named(monkeypatch):
    monkeypatch.setattr(fingerprint, "WEEKS", 8)
    monkeypatch.setattr(fingerprint, "SMALL_MARKET", {"n_enterprises": 6})
    first = {"default": fingerprint.fingerprint_case("default", {})}
    again = {"default": fingerprint.fingerprint_case("default", {})}
    assert fingerprint.compare(again, first) == []
    monkeypatch.setattr(fingerprint, "SEED", fingerprint.SEED + 1)
    other = {"default": fingerprint.fingerprint_case("default", {})}
    diffs = fingerprint.compare(other, first)
    assert "default: population.adjacency differs" in diffs
    assert "default: weekly.users differs" in diffs
    assert fingerprint.compare({}, first) == ["default: only in before"]
