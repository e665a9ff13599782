"""The targets, checked against a result, and the Markdown table for docs/performance.md."""

from __future__ import annotations

import os
import platform
import sqlite3
from importlib.metadata import version

WARM_MAX_S = 0.2  # every page from warm caches (issue 15: as on SQLite, on PostgreSQL too)
COLD_MAX_S = 1.0  # "within about a second" with empty caches, engine start-up included
NAIVE_RATIO_MIN = 10
RSS_MAX_MB = 600


def machine() -> dict:
    """What the figures were measured on."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
        with open("/proc/meminfo", encoding="utf-8") as fh:
            memory_kb = int(next(line.split()[1] for line in fh if line.startswith("MemTotal")))
    except OSError:
        memory_kb = 0
    return {"cpu": model or platform.processor(), "cores": os.cpu_count(), "memory_gb": round(memory_kb / 2**20, 1),
            "os": platform.platform(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "streamlit": version("streamlit"), "sqlalchemy": version("sqlalchemy"), "pandas": version("pandas")}


def checks(result: dict) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for each target; the naive ratio against our cold and our warm overview."""
    timed = {**result["pages"], **result.get("committee_pages", {}),
             **{f"committee read {name}": p for name, p in result.get("committee", {}).items()},
             **result.get("council_pages", {}),
             **{f"council read {name}": p for name, p in result.get("council", {}).items()}}
    rows = [(f"{page} warm <= {WARM_MAX_S} s", f"{p['warm_s']:.3f} s", p["warm_s"] <= WARM_MAX_S)
            for page, p in timed.items()]
    rows += [(f"{page} cold <= {COLD_MAX_S} s", f"{p['cold_s']:.3f} s", p["cold_s"] <= COLD_MAX_S)
             for page, p in timed.items()]
    for kind in ("cold", "warm"):
        ratio = result["naive_overview_s"] / result["pages"]["overview"][f"{kind}_s"]
        rows.append((f"naive overview / our {kind} overview >= {NAIVE_RATIO_MIN}", f"{ratio:,.1f}x",
                     ratio >= NAIVE_RATIO_MIN))
    rss = result["peak_rss_mb"]
    rows.append((f"peak RSS <= {RSS_MAX_MB} MB", f"{rss:.0f} MB", rss <= RSS_MAX_MB))
    return rows


def markdown(result: dict) -> str:
    """The figures and the targets as two Markdown tables."""
    lines = ["| page | cold (s) | warm (s) | SQL floor (s) |", "|---|---:|---:|---:|"]
    for page, p in {**result["pages"], **result.get("committee_pages", {}), **result.get("council_pages", {})}.items():
        lines.append(f"| {page} | {p['cold_s']:.3f} | {p['warm_s']:.3f} | {p['sql_floor_s']:.3f} |")
    if result.get("committee"):
        lines += ["", "| committee read (called directly) | cold (s) | warm (s) | SQL floor (s) |",
                  "|---|---:|---:|---:|"]
        for name, p in result["committee"].items():
            lines.append(f"| {name} | {p['cold_s']:.3f} | {p['warm_s']:.3f} | {p['sql_floor_s']:.3f} |")
    if result.get("council"):
        lines += ["", "| council read (called directly) | cold (s) | warm (s) | SQL floor (s) |",
                  "|---|---:|---:|---:|"]
        for name, p in result["council"].items():
            lines.append(f"| {name} | {p['cold_s']:.3f} | {p['warm_s']:.3f} | {p['sql_floor_s']:.3f} |")
    lines += ["", "| target | measured | met |", "|---|---:|:---:|"]
    lines += [f"| {target} | {measured} | {'yes' if met else '**no**'} |" for target, measured, met in checks(result)]
    return "\n".join(lines)
