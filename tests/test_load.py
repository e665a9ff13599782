"""`python -m bench.load` against the real server for a few seconds: two people log in over Streamlit's websocket
protocol and register matters, every save is found in the database, and nothing goes wrong."""

from __future__ import annotations

import json

import pytest

from bench import load


@pytest.mark.server
def test_the_load_driver_logs_in_saves_and_checks_every_save(tmp_path):
    assert load.main(["--db", "sqlite", "--users", "2", "--minutes", "0.2", "--ramp", "1", "--think", "0.5,1",
                      "--form-think", "0.1,0.3", "--save-share", "1", "--out", str(tmp_path)]) == 0
    (run,) = json.loads((tmp_path / "load-sqlite.json").read_text())["runs"]
    assert run["errors"] == 0, run["error_samples"]
    assert run["roles"]["worker"] == run["roles"]["secretary"] == 1
    assert run["by_kind"]["login"]["count"] == 2
    assert run["saves_acknowledged"] >= 2
    assert run["saves_in_database"] == run["saves_acknowledged"] and run["lost_writes"] == 0
    assert run["servers"]["server1"]["peak_rss_mb"] > 100
    assert run["client"]["cpu_s"] >= 0 and run["load1"]["max"] is not None
