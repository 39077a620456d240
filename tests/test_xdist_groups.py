"""tests/conftest.py's xdist grouping: which tests must share a worker, and what starts first."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from tests import conftest


def _item(name: str, fixtures: dict[str, str], markers: tuple[str, ...] = ()) -> SimpleNamespace:
    """A stand-in for a collected test: its fixtures (name → scope) and markers."""
    defs = {
        f: [SimpleNamespace(scope=scope, argnames=("tmp_path_factory",))]
        for f, scope in fixtures.items()
    }
    return SimpleNamespace(
        nodeid=name,
        module=SimpleNamespace(__name__="tests.test_x"),
        _fixtureinfo=SimpleNamespace(
            names_closure=[*fixtures, "tmp_path_factory"], name2fixturedefs=defs
        ),
        get_closest_marker=lambda m: m if m in markers else None,
    )


def test_session_fixtures_one_test_reads_together_share_a_worker() -> None:
    """sample_run and revisions_run are read together by one test: every test of either runs
    where both are built (one group); an unrelated session fixture stays a group of its own."""
    both = _item("both", {"sample_run": "session", "revisions_run": "session"})
    sample = _item("sample", {"sample_run": "session"})
    other = _item("other", {"prefect_harness": "session", "lone_night": "session"})
    conftest._join_session_fixtures([sample, both, other])
    assert [conftest.shared_fixture(i) for i in (both, sample, other)] == [
        "revisions_run",
        "revisions_run",
        "lone_night",  # the cheap harness neither groups nor joins
    ]


def test_module_fixture_groups_by_module_and_dear_starts_first() -> None:
    scanned = _item("scans", {"scanned": "module"}, markers=("dear",))
    night = _item("night", {"prefect_harness": "session", "published": "module"})
    lone = _item("lone", {})
    conftest._join_session_fixtures([scanned, night, lone])
    assert conftest.shared_fixture(scanned) == "tests.test_x::scanned"
    assert conftest.shared_fixture(lone) is None
    assert [conftest.weight(i) for i in (scanned, night, lone)] == [3, 2, 0]


@pytest.fixture(autouse=True)
def _fresh_groups() -> Iterator[None]:
    """The real collection's groups are set on this worker already: keep them after the test."""
    saved = dict(conftest._SESSION_GROUPS)
    yield
    conftest._SESSION_GROUPS.clear()
    conftest._SESSION_GROUPS.update(saved)
