"""Problem notes a later judgement may withdraw. Such a note carries keys naming what it is
about, and withdrawing names one of them: matching a note by its wording breaks as soon as the
wording, or a value it quotes, changes. A note may be about more than one thing (a line's score,
and the form the line is in: either judgement withdraws it). A note is still the sentence it
reads as (a `str`) wherever the problems go."""

from __future__ import annotations

from collections.abc import Hashable


class Note(str):
    """A problem sentence with the keys of what it is about (`withdraw`)."""

    keys: tuple[Hashable, ...]

    def __new__(cls, text: str, *keys: Hashable) -> Note:
        note = super().__new__(cls, text)
        note.keys = keys
        return note

    def __reduce__(self) -> tuple:
        """Pickled with its keys (the page workers send problems back to the flow)."""
        return (Note, (str(self), *self.keys))


def about(text: str, key: Hashable) -> Note:
    """`text` as a note about `key` too, keeping the keys it already carries."""
    return Note(text, *keys_of(text), key)


def keys_of(problem: str) -> tuple[Hashable, ...]:
    """The keys a problem carries (none for a plain sentence)."""
    return problem.keys if isinstance(problem, Note) else ()


def withdraw(problems: list[str], key: Hashable) -> None:
    """Take out the notes carrying `key`: what they said has been answered."""
    problems[:] = [p for p in problems if key not in keys_of(p)]
