"""Quarantine: the documents whose own rows fail a data test or make a model fail, found by
running the failing SQL narrowed to one document at a time (and to its pages, for the message),
then taken out of the build in one transaction with an `ingest_errors` row saying why. Nothing
here knows which fields or values are legal: that stays in the dbt yml."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows import held_aside
from flows.build_results import FailedTest
from flows.culprits import ModelError


@dataclass(frozen=True)
class Quarantine:
    """One document taken out of the build because a data test fails on its rows alone."""

    source_file: str
    sha256: str
    test: str  # e.g. accepted_values on stg_raw__extracted_values.field_name
    pages: tuple[int, ...]  # where the failure is printed; () when the rows carry no page
    example: str = ""  # the test's first failing row, e.g. "value_field=department_nickname"

    @property
    def message(self) -> str:
        where = f" on page {', '.join(map(str, self.pages))}" if self.pages else ""
        example = f" ({self.example})" if self.example else ""
        return (
            f"the data test {self.test} fails{where}{example}; the document is quarantined and "
            "its rows are left out of the marts"
        )


@dataclass(frozen=True)
class ModelQuarantine:
    """One document taken out of the build because a model fails at run time on its rows."""

    source_file: str
    sha256: str
    errors: tuple[ModelError, ...]  # of the build that proved it
    pages: tuple[int, ...] = ()  # where the model's SQL starts to fail; () when not known

    @property
    def message(self) -> str:
        models = list(dict.fromkeys(e.name for e in self.errors))
        what = (
            f"the model {models[0]} fails"
            if len(models) == 1
            else (f"the models {', '.join(models)} fail")
        )
        where = f" on page {', '.join(map(str, self.pages))}" if self.pages else ""
        errors = "; ".join(dict.fromkeys(e.error for e in self.errors))
        errors = errors if len(errors) <= 200 else errors[:199] + "…"
        return (
            f"{what} on this document's rows{where} ({errors}); the document is quarantined and "
            "its rows are left out of the marts"
        )


Quarantined = Quarantine | ModelQuarantine


def failing_checks(warehouse: Path, failed: list[FailedTest]) -> list[FailedTest]:
    """The failed tests with each grouped test narrowed to the checks in it that fail."""
    if not any(t.grouped for t in failed):
        return failed
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [t for t in failed if not t.grouped or _fails(con, t.sql)]
    finally:
        con.close()


def attribute(warehouse: Path, failed: list[FailedTest]) -> list[Quarantine]:
    """For each failing test, the documents that fail it on their own rows, and where."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        documents = _source_files_in(con)
        found: list[Quarantine] = []
        for test in failed:
            keyed, paged = _document_relations(con, test.relations)
            keyed = [r for r in keyed if r in test.sql]  # a grouped check reads some of them
            by_file = _keyed_by_file(con, test, keyed)
            if not keyed and not by_file:
                continue  # rows that belong to no document: nothing to quarantine
            for sha, source_file in sorted(documents.items(), key=lambda d: d[1]):
                where = dict.fromkeys(keyed, f"document_sha256 = '{sha}'")
                quoted = source_file.replace("'", "''")
                where |= dict.fromkeys(by_file, f"source_file = '{quoted}'")
                narrowed = _narrowed(test.sql, where)
                if not _fails(con, narrowed):
                    continue
                pages = _pages(con, test, where, paged, sha)
                found.append(
                    Quarantine(source_file, sha, test.name, pages, _example(con, narrowed))
                )
        return found
    finally:
        con.close()


def _keyed_by_file(con: duckdb.DuckDBPyConnection, test: FailedTest, keyed: list[str]) -> list[str]:
    """The relations a test's SQL reads that name their document by its source file only (a
    mart with one row per project, `dim_project`): narrowed to a document by that file. Without
    them a check of such a mart read nothing a document could be told by, and one document's
    slip (a project read with no name) failed every document alike."""
    return [
        r
        for r in test.relations
        if r in test.sql
        and r not in keyed
        and "source_file" in _columns(con, r)
        and "document_sha256" not in _columns(con, r)
    ]


def _example(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The first failing row as `column=value` pairs (document hashes left out), for the
    operator reading ingest_errors."""
    cur = con.execute(f"select * from ({sql}) as t limit 1")
    row = cur.fetchone()
    if row is None:
        return ""
    pairs = [
        f"{d[0]}={'null' if v is None else v}"
        for d, v in zip(cur.description, row, strict=True)
        if d[0] != "document_sha256"
    ]
    text = ", ".join(pairs)
    return text if len(text) <= 200 else text[:199] + "…"


def _pages(
    con: duckdb.DuckDBPyConnection,
    test: FailedTest,
    document: dict[str, str],
    paged: list[str],
    sha: str,
) -> tuple[int, ...]:
    """The pages whose rows alone fail the test (`document`: each relation's condition on the
    document); else the page at which the document's rows, read in page order, first fail it (a
    duplicate printed on two pages: the second one)."""
    paged = [r for r in paged if r in document]
    if not paged:
        return ()

    def fails_on(cond: str) -> bool:
        where = {r: f"{w} and page {cond}" if r in paged else w for r, w in document.items()}
        return _fails(con, _narrowed(test.sql, where))

    return _first_pages(_printed_pages(con, paged, sha), fails_on)


def _printed_pages(con: duckdb.DuckDBPyConnection, paged: list[str], sha: str) -> list[int]:
    found = {
        page
        for r in paged
        for (page,) in con.execute(
            f"select distinct page from {r} where document_sha256 = ?", [sha]
        ).fetchall()
    }
    return sorted(found - {None})


def _first_pages(pages: list[int], fails_on: Callable[[str], bool]) -> tuple[int, ...]:
    """The pages that fail alone, else the first page at which the pages up to it fail
    (`fails_on` takes a condition on `page`: `= 3`, `<= 3`)."""
    alone = tuple(p for p in pages if fails_on(f"= {int(p)}"))
    if alone:
        return alone
    return next(((p,) for p in pages if fails_on(f"<= {int(p)}")), ())


def model_pages(warehouse: Path, errors: tuple[ModelError, ...], sha: str) -> tuple[int, ...]:
    """Where a held-aside document's rows make a failing model's own SQL fail. () when that SQL
    does not fail on them (the error came from a contract, or from a model it reads)."""
    con = duckdb.connect(str(warehouse))
    try:
        return next((p for e in errors if e.sql and (p := _error_pages(con, e, sha))), ())
    finally:
        con.close()


def _error_pages(con: duckdb.DuckDBPyConnection, error: ModelError, sha: str) -> tuple[int, ...]:
    """Each look restores the document's rows in a transaction that is rolled back."""
    keyed, paged = _document_relations(con, error.relations)
    doc = f"document_sha256 = '{sha}'"

    def raises(cond: str | None) -> bool:
        where = {r: f"{doc} and page {cond}" if cond and r in paged else doc for r in keyed}
        con.execute("begin transaction")
        try:
            held_aside.restore_in(con, [sha])
            try:
                con.execute(f"select count(*) from ({_narrowed(error.sql, where)}) as t")
            except duckdb.Error:
                return True
            return False
        finally:
            con.execute("rollback")

    if not paged or not raises(None):
        return ()
    con.execute("begin transaction")
    try:
        held_aside.restore_in(con, [sha])
        pages = _printed_pages(con, paged, sha)
    finally:
        con.execute("rollback")
    return _first_pages(pages, raises)


def quarantine_documents(warehouse: Path, found: Sequence[Quarantined]) -> None:
    """Take each document's rows out of the build (held-aside rows too), mark it quarantined
    (extracted again next run) and say why in raw.ingest_errors, all in one transaction."""
    now = datetime.now(UTC).replace(tzinfo=None)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("begin transaction")
        for sha in {q.sha256 for q in found}:
            for table in held_aside.LANDED_TABLES:
                con.execute(f"delete from raw.{table} where document_sha256 = ?", [sha])
            con.execute(
                "update raw.documents set status = ? where document_sha256 = ?",
                [held_aside.QUARANTINED, sha],
            )
        held_aside.discard(con, {q.sha256 for q in found})
        con.executemany(
            "insert into raw.ingest_errors values (?, ?, 'validate', ?, ?)",
            [(q.source_file, q.sha256, q.message, now) for q in found],
        )
        con.execute("commit")
    finally:
        con.close()


def source_files(warehouse: Path) -> dict[str, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return _source_files_in(con)
    finally:
        con.close()


def _source_files_in(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each landed document's source file, by hash."""
    return dict(con.execute("select document_sha256, source_file from raw.documents").fetchall())


def _document_relations(
    con: duckdb.DuckDBPyConnection, relations: tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """Of the relations a test or model reads, those keyed by document, and of those the ones
    with a page: what narrowing to one document (and its pages) rewrites."""
    cols = {r: _columns(con, r) for r in relations}
    keyed = [r for r in relations if "document_sha256" in cols[r]]
    return keyed, [r for r in keyed if "page" in cols[r]]


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    return {d[0] for d in con.execute(f"select * from {relation} limit 0").description}


def _narrowed(sql: str, where: dict[str, str]) -> str:
    """A test's or model's SQL with each relation it reads replaced by that relation's rows
    `where` says."""
    if not where:
        return sql
    pattern = re.compile("|".join(re.escape(r) for r in where))
    return pattern.sub(lambda m: f"(select * from {m[0]} where {where[m[0]]})", sql)


def _fails(con: duckdb.DuckDBPyConnection, sql: str) -> bool:
    return con.execute(f"select count(*) from ({sql}) as t").fetchall()[0][0] > 0
