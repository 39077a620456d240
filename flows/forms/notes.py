"""Problem notes a later judgement may withdraw. Such a note carries a key naming what it is
about, and withdrawing names that key: matching a note by its wording breaks as soon as the
wording, or a value it quotes, changes. A note is still the sentence it reads as (a `str`)
wherever the problems go."""

from __future__ import annotations

from collections.abc import Hashable


class Note(str):
    """A problem sentence with the key of what it is about (`withdraw`)."""

    key: Hashable

    def __new__(cls, text: str, key: Hashable) -> Note:
        note = super().__new__(cls, text)
        note.key = key
        return note

    def __reduce__(self) -> tuple:
        """Pickled with its key (the page workers send problems back to the flow)."""
        return (Note, (str(self), self.key))


def withdraw(problems: list[str], key: Hashable) -> None:
    """Take out the notes carrying `key`: what they said has been answered."""
    problems[:] = [p for p in problems if not (isinstance(p, Note) and p.key == key)]
