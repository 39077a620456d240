"""What changed in the raw folder since the last run, decided by content hash.

A document is its bytes: the same bytes under another name are not ingested twice, a file whose
bytes changed replaces its earlier rows, and a file that disappeared keeps its rows (auditors must
still see what was published) but is marked no longer present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from flows import EXTRACTION_VERSION
from flows.extract.documents import sha256_of, source_name

IGNORED_NAMES = {".gitkeep", ".DS_Store"}


@dataclass(frozen=True)
class SourceFile:
    """A file found in the raw folder, with its content hash (None: unreadable or refused)."""

    path: Path
    source_file: str
    sha256: str | None


@dataclass
class Inventory:
    """The raw folder compared with what the warehouse already holds."""

    new: list[SourceFile] = field(default_factory=list)
    changed: list[SourceFile] = field(default_factory=list)  # a known name with new bytes
    unchanged: list[SourceFile] = field(default_factory=list)
    copies: list[SourceFile] = field(default_factory=list)  # bytes already held under another name
    removed: list[str] = field(default_factory=list)  # names no longer in the folder
    replaced: dict[str, str] = field(default_factory=dict)  # name → the hash it carried before

    @property
    def to_extract(self) -> list[SourceFile]:
        return self.new + self.changed

    @property
    def present(self) -> list[SourceFile]:
        return self.new + self.changed + self.unchanged + self.copies

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed or self.removed or self.copies)


def discover(raw_dir: Path) -> list[Path]:
    """Every file under `raw_dir` in name order, hidden files aside; symlinks are kept so that
    extraction can refuse the ones pointing outside the folder (and not follow them)."""
    return sorted(
        p
        for p in raw_dir.rglob("*")
        if (p.is_file() or p.is_symlink())
        and p.name not in IGNORED_NAMES
        and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)
    )


def take_inventory(raw_dir: Path, con: duckdb.DuckDBPyConnection) -> Inventory:
    """Classify every file in `raw_dir` against the warehouse's documents and file names."""
    known_docs = {
        sha: (status, version)
        for sha, status, version in con.execute(
            "select document_sha256, status, extraction_version from raw.documents"
        ).fetchall()
    }
    known_files = dict(
        con.execute(
            "select source_file, document_sha256 from raw.document_files where is_present"
        ).fetchall()
    )
    inv = Inventory()
    seen: set[str] = set()
    for path in discover(raw_dir):
        name = source_name(path, raw_dir)
        outside = path.is_symlink() and not path.resolve().is_relative_to(raw_dir.resolve())
        sha = None if outside or not path.exists() else sha256_of(path)[0]
        entry = SourceFile(path=path, source_file=name, sha256=sha)
        landed = known_docs.get(sha or "")
        current = (
            landed is not None and landed[1] == EXTRACTION_VERSION and landed[0] != "quarantined"
        )
        before = known_files.get(name)
        if sha is not None and before is not None and before != sha:
            inv.replaced[name] = before  # this name now carries other bytes
        if sha is None:
            inv.new.append(entry)  # extraction records why it can't be read
        elif sha in seen or (current and before != sha):
            inv.copies.append(entry)
        elif current:
            inv.unchanged.append(entry)
        elif name in inv.replaced:
            inv.changed.append(entry)
        else:
            inv.new.append(entry)
        if sha is not None:
            seen.add(sha)
    names = {e.source_file for e in inv.present}
    inv.removed = sorted(set(known_files) - names)
    return inv
