"""What changed in the raw folder since the last run, decided by content hash.

A document is its bytes: the same bytes under another name are not ingested twice, a file whose
bytes changed replaces its earlier rows, and a file that disappeared keeps its rows (auditors must
still see what was published) but is marked no longer present.

Hashing every file every night would cost a read of the whole archive; a file whose size,
modification time and inode are those recorded when it was last hashed keeps its recorded hash
unread. `full_check` hashes everything (for bytes rewritten in place with the times restored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from flows import EXTRACTION_VERSION
from flows.extract.documents import DOCUMENT_SUFFIXES, refuse_reason, sha256_of, source_name

IGNORED_NAMES = {".gitkeep", ".DS_Store"}


FileStat = tuple[int, int, int]
"""(size, mtime in ns, inode): what tells a file unchanged without reading it."""


@dataclass(frozen=True)
class SourceFile:
    """A file found in the raw folder, with its content hash (None: unreadable or refused)."""

    path: Path
    source_file: str
    sha256: str | None
    stat: FileStat | None = None  # as hashed; None when unreadable
    hashed: bool = True  # False when the hash was taken from the last run (stat unchanged)
    recorded: bool = False  # the file map already holds this name, present, with this hash and stat


@dataclass(frozen=True)
class FileChanges:
    """What the file map must be told tonight, small whatever the folder's size: a Prefect task
    given the whole Inventory walks every one of its entries (10,000 at 10,000 documents:
    seconds a night) to record the task's inputs."""

    to_record: list[SourceFile]  # new names, and names whose hash or stat changed
    removed: list[str]  # names no longer in the folder
    retired: list[str]  # hashes of replaced bytes that no present file carries any more
    renamed: list[SourceFile]  # copies of known bytes on a night names vanished (a rename)


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
    def to_record(self) -> list[SourceFile]:
        """The present names whose file-map row must be written: new names, and names whose
        hash, size, mtime or inode differ from their row (an unchanged night writes none)."""
        return [e for e in self.present if not e.recorded]

    def file_changes(self) -> FileChanges:
        carried = {e.sha256 for e in self.present}
        return FileChanges(
            to_record=self.to_record,
            removed=list(self.removed),
            retired=sorted(set(self.replaced.values()) - carried),
            renamed=list(self.copies) if self.removed else [],
        )

    @property
    def has_changes(self) -> bool:
        """Whether the warehouse's documents or file names differ from the folder: a copy of
        known bytes under a name already recorded for them is no change."""
        return bool(
            self.new or self.changed or self.removed or any(not e.recorded for e in self.copies)
        )


def discover(raw_dir: Path) -> list[Path]:
    """Every entry under `raw_dir` a document could be, in name order, hidden files aside.

    Walked with lstat only: symlinks are listed but never followed (a link to a folder is not
    descended, so a loop cannot recurse), and FIFOs, sockets, devices and folders named like a
    document (`x.pdf/`) are listed too, so that each becomes an `ingest_errors` row saying why
    instead of vanishing without a word or blocking the run.

    Sorted by the paths' parts (the order Path comparison gives) compared as tuples of strings:
    comparing Path objects cost ~1.2 s of CPU for 10,000 files, every night."""
    return sorted(_entries(raw_dir), key=lambda path: path.parts)


def any_entry(raw_dir: Path) -> bool:
    """Whether `discover` would list anything, found without listing the whole folder."""
    return next(_entries(raw_dir), None) is not None


def _entries(raw_dir: Path) -> Iterator[Path]:
    """The entries `discover` lists, in the order the folders are walked."""
    pending = [raw_dir]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # an unreadable sub-folder: nothing in it can be listed
        for entry in entries:
            if entry.name.startswith(".") or entry.name in IGNORED_NAMES:
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                pending.append(path)
                if path.suffix.lower() not in DOCUMENT_SUFFIXES:
                    continue
            yield path


def file_map(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, FileStat]]:
    """The warehouse's file map: each present file's name → its document and its stat when
    that was hashed."""
    return {
        name: (sha, (size, mtime, inode))
        for name, sha, size, mtime, inode in con.execute(
            "select source_file, document_sha256, file_size, file_mtime_ns, file_inode"
            " from raw.document_files where is_present"
        ).fetchall()
    }


def take_inventory(
    raw_dir: Path, con: duckdb.DuckDBPyConnection, full_check: bool = False
) -> Inventory:
    """Classify every file in `raw_dir` against the warehouse's documents and file names."""
    known_docs = {
        sha: (status, version)
        for sha, status, version in con.execute(
            "select document_sha256, status, extraction_version from raw.documents"
        ).fetchall()
    }
    recorded = file_map(con)
    known_files = {name: sha for name, (sha, _) in recorded.items()}
    inv = Inventory()
    seen: set[str] = set()
    for path in discover(raw_dir):
        name = source_name(path, raw_dir)
        entry = _identify(path, name, raw_dir, None if full_check else recorded.get(name))
        sha = entry.sha256
        if sha is not None and recorded.get(name) == (sha, entry.stat):
            entry = replace(entry, recorded=True)
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


def unrecorded(raw_dir: Path, warehouse: Path) -> list[Path]:
    """The raw folder's entries that the published warehouse's file map does not hold, present,
    with their size, mtime and inode: tonight's likely new or changed files, found without
    hashing or opening anything. A guess for what cannot wait for the inventory (starting the
    page workers while Prefect boots, `flows.extract.early_workers`); `take_inventory` decides.
    A warehouse that does not exist or cannot be read holds nothing."""
    recorded: dict[str, FileStat] = {}
    if warehouse.exists():
        try:
            con = duckdb.connect(str(warehouse), read_only=True)
            try:
                recorded = {name: stat for name, (_, stat) in file_map(con).items()}
            finally:
                con.close()
        except duckdb.Error:
            recorded = {}
    out = []
    for path in discover(raw_dir):
        try:
            st = path.stat()
        except OSError:
            out.append(path)  # its error is the extraction's to record
            continue
        if recorded.get(source_name(path, raw_dir)) != (st.st_size, st.st_mtime_ns, st.st_ino):
            out.append(path)
    return out


def _identify(
    path: Path, name: str, raw_dir: Path, recorded: tuple[str | None, FileStat] | None
) -> SourceFile:
    """The file's content hash: the recorded one when its size, mtime and inode are as they were
    when it was hashed, otherwise read and hashed now; None when it cannot be read (opening it
    says why)."""
    if refuse_reason(path, raw_dir):
        return SourceFile(path=path, source_file=name, sha256=None)
    try:
        st = path.stat()
        now: FileStat = (st.st_size, st.st_mtime_ns, st.st_ino)
        if recorded is not None and recorded[0] is not None and recorded[1] == now:
            return SourceFile(path, name, recorded[0], stat=now, hashed=False)
        return SourceFile(path, name, sha256_of(path)[0], stat=now)
    except OSError:
        return SourceFile(path=path, source_file=name, sha256=None)
