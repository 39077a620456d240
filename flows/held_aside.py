"""Documents held aside from a build: their landed rows moved to a side schema, to be restored.

When a dbt model fails on data, flows/culprits.py builds without some documents to find the one
whose rows make it fail. Holding a document aside leaves it exactly as a quarantine would (its
raw.documents row kept with status `quarantined`, its landed rows gone from raw), so every model
handles it as it already handles a quarantined document; the rows and the status wait in the
schema `held_aside` of the same warehouse file and are put back by `restore`. Each move is one
transaction, so a row is always in exactly one of the two places.

The rows are never lost: a night builds in its working copy (flows/publish.py), which is published
only after the build returned. A run killed while rows are held aside leaves that copy unpublished;
the next night starts from the published file, where the night's documents were never landed, and
extracts them again. A build started on a warehouse that still holds rows aside (a direct
`dbt_build` that was killed) restores them first (`restore_all`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

SCHEMA = "held_aside"
# the landed rows the marts are built from: what a quarantine deletes and a hold moves aside
LANDED_TABLES = ("pages", "cells", "extracted_values")
STATUS_TABLE = "document_status"  # each held document's status before it was held
QUARANTINED = "quarantined"  # a quarantined document's status, and what a held one looks like
# the dbt project's record of what its last successful build was built from
# (dbt_project/macros/incremental.sql, record_build_state)
BUILD_STATE = "main.build_state_documents"


def _shas(con: duckdb.DuckDBPyConnection, shas: Iterable[str]) -> None:
    """The documents to move, as the temporary table `moving`."""
    con.execute("create or replace temp table moving (document_sha256 varchar primary key)")
    rows = [(s,) for s in sorted(set(shas))]
    if rows:
        con.executemany("insert into moving values (?)", rows)


def _ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    for table in LANDED_TABLES:
        con.execute(
            f"create table if not exists {SCHEMA}.{table} as select * from raw.{table} limit 0"
        )
    con.execute(
        f"create table if not exists {SCHEMA}.{STATUS_TABLE} "
        "(document_sha256 varchar primary key, status varchar not null)"
    )


def hold(warehouse: Path, shas: Iterable[str]) -> None:
    """Move these documents' landed rows aside and mark them quarantined, in one transaction.
    A document already held stays held (its saved status is not overwritten)."""
    con = duckdb.connect(str(warehouse))
    try:
        _ensure(con)
        _shas(con, shas)
        con.execute(
            f"delete from moving where document_sha256 in "
            f"(select document_sha256 from {SCHEMA}.{STATUS_TABLE})"
        )
        con.execute("begin transaction")
        where = "where document_sha256 in (select document_sha256 from moving)"
        for table in LANDED_TABLES:
            con.execute(f"insert into {SCHEMA}.{table} select * from raw.{table} {where}")
            con.execute(f"delete from raw.{table} {where}")
        con.execute(
            f"insert into {SCHEMA}.{STATUS_TABLE} select document_sha256, status "
            f"from raw.documents {where}"
        )
        con.execute(f"update raw.documents set status = '{QUARANTINED}' {where}")
        con.execute("commit")
    finally:
        con.close()


def restore(warehouse: Path, shas: Iterable[str]) -> None:
    """Put these held documents' rows and status back, in one transaction."""
    con = duckdb.connect(str(warehouse))
    try:
        _ensure(con)
        con.execute("begin transaction")
        restore_in(con, shas)
        con.execute("commit")
    finally:
        con.close()


def restore_in(con: duckdb.DuckDBPyConnection, shas: Iterable[str]) -> None:
    """These held documents back from the side schema, in the caller's transaction (which may
    roll back: flows/quarantine.py looks at a held document's rows that way)."""
    _shas(con, shas)
    where = "where document_sha256 in (select document_sha256 from moving)"
    for table in LANDED_TABLES:
        con.execute(f"insert into raw.{table} select * from {SCHEMA}.{table} {where}")
        con.execute(f"delete from {SCHEMA}.{table} {where}")
    con.execute(
        "update raw.documents as landed set status = held.status "
        f"from {SCHEMA}.{STATUS_TABLE} as held "
        "where landed.document_sha256 = held.document_sha256 "
        "and held.document_sha256 in (select document_sha256 from moving)"
    )
    con.execute(f"delete from {SCHEMA}.{STATUS_TABLE} {where}")


def held(warehouse: Path) -> list[str]:
    """The documents held aside now."""
    if not warehouse.exists():
        return []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [
            sha
            for (sha,) in con.execute(
                f"select document_sha256 from {SCHEMA}.{STATUS_TABLE} order by 1"
            ).fetchall()
        ]
    except duckdb.CatalogException:
        return []
    finally:
        con.close()


def restore_all(warehouse: Path) -> None:
    """Every held document back, and the side schema gone: what a build leaves behind. One
    connection when nothing is held (every night but one whose build a model failed)."""
    if not warehouse.exists():
        return
    con = duckdb.connect(str(warehouse))
    try:
        if not _exists(con):
            return
        held = f"select document_sha256 from {SCHEMA}.{STATUS_TABLE}"
        left = [sha for (sha,) in con.execute(held).fetchall()]
        con.execute("begin transaction")
        restore_in(con, left)
        con.execute(f"drop schema {SCHEMA} cascade")
        con.execute("commit")
    finally:
        con.close()


def _exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute("select 1 from duckdb_schemas() where schema_name = ?", [SCHEMA]).fetchall()
    )


def drop(warehouse: Path) -> None:
    """Remove the (empty) side schema, so the published warehouse holds only its own schemas."""
    con = duckdb.connect(str(warehouse))
    try:
        if not _exists(con):
            return
        left = con.execute(f"select count(*) from {SCHEMA}.{STATUS_TABLE}").fetchone()[0]
        if left:
            raise RuntimeError(f"{left} document(s) are still held aside in {warehouse}")
        con.execute(f"drop schema {SCHEMA} cascade")
    finally:
        con.close()


def discard(con: duckdb.DuckDBPyConnection, shas: Iterable[str]) -> None:
    """Forget the held rows of documents being quarantined (in the caller's transaction): the
    quarantine leaves them out of the marts, and next night extracts them again."""
    if not con.execute("select 1 from duckdb_schemas() where schema_name = ?", [SCHEMA]).fetchall():
        return
    _shas(con, shas)
    where = "where document_sha256 in (select document_sha256 from moving)"
    for table in (*LANDED_TABLES, STATUS_TABLE):
        con.execute(f"delete from {SCHEMA}.{table} {where}")


def forget_built(warehouse: Path, shas: Iterable[str]) -> None:
    """Make the next build rebuild these documents whatever their state: drop them from the last
    successful build's record. A document held, restored and held again can return to a state a
    build recorded while a failed build in between left its rows in the tables that did build;
    a document that build never recorded is rebuilt (dbt_project/macros/incremental.sql)."""
    con = duckdb.connect(str(warehouse))
    try:
        schema, table = BUILD_STATE.split(".")
        if not con.execute(
            "select 1 from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall():
            return  # never built: everything is rebuilt
        _shas(con, shas)
        con.execute(
            f"delete from {BUILD_STATE} "
            "where document_sha256 in (select document_sha256 from moving)"
        )
    finally:
        con.close()
