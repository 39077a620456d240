"""The inventory reads only what may have changed: size, mtime and inode decide, --full-check
reads everything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows import landing
from flows.inventory import take_inventory
from flows.models import DocumentExtraction


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.pdf").write_bytes(b"%PDF-1.7 first document")
    (raw / "b.pdf").write_bytes(b"%PDF-1.7 second document")
    return raw, tmp_path / "wh.duckdb"


def record(raw: Path, warehouse: Path, full_check: bool = False):
    """One night's bookkeeping without extraction: inventory, documents landed, files recorded."""
    con = landing.connect(warehouse)
    try:
        inv = take_inventory(raw, con, full_check=full_check)
        for entry in inv.to_extract:
            doc = DocumentExtraction(
                source_file=entry.source_file, sha256=entry.sha256, file_size=1, page_count=1
            )
            landing.land_document(con, doc, status="ingested")
        landing.record_files(con, inv)
        files = con.execute(
            "select source_file, file_size, file_inode from raw.document_files order by 1"
        ).fetchall()
        return inv, files
    finally:
        con.close()


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import flows.inventory

    reads: list[str] = []
    real = flows.inventory.sha256_of

    def counting(path: Path) -> tuple[str, int]:
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(flows.inventory, "sha256_of", counting)
    return reads


def test_unchanged_files_are_not_read_again(
    folder: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, wh = folder
    reads = count_reads(monkeypatch)
    inv, files = record(raw, wh)
    assert sorted(reads) == ["a.pdf", "b.pdf"] and len(inv.new) == 2
    assert files == [
        ("a.pdf", 23, (raw / "a.pdf").stat().st_ino),
        ("b.pdf", 24, (raw / "b.pdf").stat().st_ino),
    ]

    reads.clear()
    inv, _ = record(raw, wh)
    assert reads == [] and len(inv.unchanged) == 2 and not inv.has_changes
    assert all(not e.hashed for e in inv.unchanged)

    # a touched file (mtime changed, same bytes) is read once more and is still unchanged
    os.utime(raw / "a.pdf", ns=(0, 10**18))
    reads.clear()
    inv, _ = record(raw, wh)
    assert reads == ["a.pdf"] and len(inv.unchanged) == 2 and not inv.has_changes


def test_bytes_rewritten_in_place_are_found_by_a_full_check(
    folder: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, wh = folder
    record(raw, wh)
    path = raw / "a.pdf"
    before = path.stat()
    with path.open("r+b") as f:  # same size, same inode, times put back: invisible to stat
        f.write(b"%PDF-1.7 FIRST")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    reads = count_reads(monkeypatch)
    inv, _ = record(raw, wh)
    assert reads == [] and not inv.has_changes

    inv, _ = record(raw, wh, full_check=True)
    assert sorted(reads) == ["a.pdf", "b.pdf"]
    assert [e.source_file for e in inv.changed] == ["a.pdf"]


def file_map(warehouse: Path) -> list[tuple]:
    con = landing.connect(warehouse)
    try:
        return con.execute(
            "select source_file, document_sha256, is_present, last_seen_at, file_mtime_ns"
            " from raw.document_files order by 1"
        ).fetchall()
    finally:
        con.close()


def files_seen_at(warehouse: Path) -> str:
    con = landing.connect(warehouse)
    try:
        return con.execute("select value from raw.meta where key = 'files_seen_at'").fetchone()[0]
    finally:
        con.close()


def test_an_unchanged_night_writes_no_file_map_row(
    folder: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """10,000 names upserted every night cost 5 s: only names whose state changed are written;
    the night itself is one raw.meta row."""
    raw, wh = folder
    record(raw, wh)
    before, seen_first = file_map(wh), files_seen_at(wh)

    written: list[list[str]] = []
    real = landing.record_files

    def spying(con, inv):  # what record_files is asked to write
        written.append([e.source_file for e in inv.to_record])
        return real(con, inv)

    monkeypatch.setattr(landing, "record_files", spying)
    inv, _ = record(raw, wh)
    assert written == [[]] and all(e.recorded for e in inv.present)
    assert file_map(wh) == before  # not one row rewritten, last_seen_at included
    assert files_seen_at(wh) > seen_first  # the night still says when it saw the folder

    # a touched file: its row (new mtime) and only its row is written
    os.utime(raw / "a.pdf", ns=(0, 10**18))
    inv, _ = record(raw, wh)
    assert written[-1] == ["a.pdf"] and not inv.has_changes
    after = file_map(wh)
    assert after[1] == before[1] and after[0][4] == 10**18 and after[0][3] > before[0][3]

    # a vanished file keeps the last night that saw it as its last_seen_at
    seen_last = files_seen_at(wh)
    (raw / "b.pdf").unlink()
    inv, _ = record(raw, wh)
    assert inv.removed == ["b.pdf"] and written[-1] == []
    gone = file_map(wh)[1]
    assert gone[2] is False and gone[3].isoformat() == seen_last


def test_a_copy_already_recorded_is_no_change(folder: tuple[Path, Path]) -> None:
    """The same bytes under a second name: a change the night the name appears, not after."""
    raw, wh = folder
    record(raw, wh)
    (raw / "c.pdf").write_bytes((raw / "a.pdf").read_bytes())
    inv, _ = record(raw, wh)
    assert [e.source_file for e in inv.copies] == ["c.pdf"] and inv.has_changes
    inv, _ = record(raw, wh)
    assert [e.source_file for e in inv.copies] == ["c.pdf"] and not inv.has_changes


def test_discover_lists_in_path_order_and_any_entry_stops_at_the_first(tmp_path: Path) -> None:
    """discover sorts by the paths' parts as tuples of strings (cheaper than comparing Path
    objects): the same order Path comparison gives, where a string sort differs ('a-b.pdf'
    sorts before 'a/b.pdf' as text, after it by parts). any_entry says whether it would list
    anything; hidden files are not documents."""
    from flows.inventory import any_entry, discover

    raw = tmp_path / "raw"
    (raw / "a").mkdir(parents=True)
    assert any_entry(raw) is False
    (raw / ".hidden.pdf").write_bytes(b"x")
    assert any_entry(raw) is False
    for name in ("a-b.pdf", "a/b.pdf", "B.pdf", "a.pdf", "a/a b.png"):
        (raw / name).write_bytes(b"x")
    found = discover(raw)
    assert found == sorted(found)  # Path order
    assert [p.relative_to(raw).as_posix() for p in found] == [
        "B.pdf", "a/a b.png", "a/b.pdf", "a-b.pdf", "a.pdf",
    ]  # fmt: skip
    assert sorted(str(p) for p in found) != [str(p) for p in found]
    assert any_entry(raw) is True


def test_unrecorded_files_are_those_the_file_map_lacks_with_their_stat(
    folder: tuple[Path, Path],
) -> None:
    """What `perfbudget run` guesses before the inventory (to start the page workers early):
    the files the published warehouse does not record, present, with their size, mtime and
    inode. Nothing is hashed; a missing warehouse records nothing."""
    from flows.inventory import unrecorded

    raw, warehouse = folder
    assert [p.name for p in unrecorded(raw, warehouse)] == ["a.pdf", "b.pdf"]
    record(raw, warehouse)
    assert unrecorded(raw, warehouse) == []
    st = (raw / "b.pdf").stat()
    os.utime(raw / "b.pdf", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    (raw / "c.pdf").write_bytes(b"%PDF-1.7 third document")
    assert [p.name for p in unrecorded(raw, warehouse)] == ["b.pdf", "c.pdf"]
