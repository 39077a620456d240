"""Which documents make a dbt model fail: found by building without them.

A model that fails at run time on data (a cast that cannot convert a printed value, a contract's
not-null refused, DuckDB's error()) names no row, so the documents are tested the only way that
works for every kind of failure: build without some of them and see whether a model still fails.
The suspects are the documents the failing build was rebuilding (flows/build_results.py reads them
from the build's change set); they are held aside (flows/held_aside.py) and given back half by
half: a half whose return keeps every model building is innocent and stays, a half that makes a
model fail is split again, down to single documents. One culprit among N costs log2(N) + 1 builds
when each first half tried is innocent, 2 log2(N) + 1 when each is guilty (the other half must then
be tried too: it may hold another culprit). Each culprit is handed over with the build that proved
it (its failing models and their errors) while its rows are still held aside.

If the build fails even with every suspect held aside, no document explains the error: the caller
fails the build, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from flows import held_aside


@dataclass(frozen=True)
class ModelError:
    """A model (or seed, snapshot) that failed at run time in a build."""

    unique_id: str
    name: str  # e.g. int_projects_pivoted
    error: str  # the database's message, first line: "Conversion Error: Casting value …"
    sql: str = ""  # compiled SELECT, to find the page a document's rows fail on
    relations: tuple[str, ...] = ()  # relation names the SQL reads, as they appear in it


Build = Callable[[], tuple[ModelError, ...]]  # one dbt build: the model errors it had (none: ok)


class Unexplained(RuntimeError):
    """The model error is not one document's: it stays with every suspect held aside, or the
    search ran out of builds."""


@dataclass
class Search:
    """One search for the documents that make a model fail, with a limit on dbt builds."""

    warehouse: Path
    build: Build
    max_builds: int
    found: Callable[[str, tuple[ModelError, ...]], None]  # each culprit, as soon as it is proved
    builds: int = 0

    def _build(self) -> tuple[ModelError, ...]:
        if self.builds == self.max_builds:
            raise Unexplained(
                f"the documents that make a model fail were not found within {self.max_builds} "
                "builds"
            )
        self.builds += 1
        return self.build()

    def culprits(self, suspects: Sequence[str], errors: tuple[ModelError, ...]) -> list[str]:
        """The suspects whose rows make a model fail (`errors`: the failing build's, with every
        suspect in it), each given to `found` with the errors of the build that proved it while
        still held aside. Every other suspect is restored, also when this raises."""
        if not suspects:
            raise Unexplained("the build rebuilds no document to hold aside")
        held_aside.hold(self.warehouse, suspects)
        try:
            if still := self._build():
                names = ", ".join(sorted({e.name for e in still}))
                raise Unexplained(
                    f"{names} fails with every document this build rebuilds held aside "
                    f"({len(suspects)}): the error is not in one document's rows"
                )
            found: list[str] = []
            self._split(list(suspects), errors, found)
            return found
        except BaseException:
            held_aside.restore_all(self.warehouse)
            raise

    def _split(self, group: list[str], errors: tuple[ModelError, ...], found: list[str]) -> None:
        """`group` is held and with the documents restored so far a build passes; with `group`
        restored too it fails with `errors` (none: not known yet, tried first)."""
        if not errors and not (errors := self._try(group)):
            return
        if len(group) == 1:
            found.append(group[0])
            self.found(group[0], errors)
            return
        half = len(group) // 2
        first, second = group[:half], group[half:]
        failing = self._try(first)
        if not failing:
            self._split(second, errors, found)  # the failure came with the second half
            return
        self._split(first, failing, found)
        self._split(second, (), found)  # culprits may be in both halves: tried on its own

    def _try(self, group: list[str]) -> tuple[ModelError, ...]:
        """Restore `group` and build: kept restored when every model builds, held again (and
        the errors returned) when one fails."""
        held_aside.restore(self.warehouse, group)
        errors = self._build()
        if errors:
            held_aside.hold(self.warehouse, group)
        return errors
