"""`bench.timeline`'s roles of a run's processes."""

from __future__ import annotations

from bench.timeline import role

RUN = "/venv/bin/python /venv/bin/perfbudget run --raw /tmp/ocr --warehouse /tmp/w/bench.duckdb"


def test_a_page_worker_forked_from_the_run_is_a_worker_not_the_flow() -> None:
    """A page worker forked from the run carries the run's command line: it is a worker when it
    is not the run's own process; spawned workers, the server and dbt keep their roles."""
    assert role(RUN, is_root=True) == "flow"
    assert role(RUN, is_root=False) == "worker"
    spawned = "/venv/bin/python -c from multiprocessing.spawn import spawn_main; spawn_main(...)"
    assert role(spawned, is_root=False) == "worker"
    server = "/venv/bin/python -m uvicorn --factory prefect.server.api.server:create_app"
    assert role(server, is_root=False) == "server"
    assert role("/venv/bin/python -m flows.dbt_server /tmp/d/dbt.sock", is_root=False) == "dbt"
