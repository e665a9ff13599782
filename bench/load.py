"""`python -m bench.load`: many people using the real server at once.

N simulated users, logged in with different roles, move between their pages and now and then register a
resident matter (the intake form, field by field), at a person's pace, for a few minutes. They speak
Streamlit's own protocol: each action is a `BackMsg(rerun_script=ClientState(...))` over the websocket
`/_stcore/stream`, as the browser sends it, and the action's time is from sending it to the ForwardMsg
`script_finished` of the run that settles the page (the "time from action to settled page", without the
browser's own drawing). Every user is one asyncio task in this process; the driver's CPU time is measured
and reported apart from the server's.

SQLite: one server process (`python -m ui.server`) on a copy of the demo data. PostgreSQL: two server
processes behind one address (`bench.proxy`, a connection goes to each process in turn) on a database
`gongzhi_load` made afresh with the demo data. Every save is checked afterwards in the database: each
description carries the run's tag, and a save the page acknowledged but the database does not hold is a lost
write. The server processes' CPU time and memory are read from /proc every second, with the machine's
1-minute load average.

    .venv/bin/python -m bench.load                                  # both databases, 10, 25 and 50 users, 3 min each
    .venv/bin/python -m bench.load --db sqlite --users 3 --minutes 0.3   # a smoke run

Writes bench/results/load-sqlite.json and load-postgresql.json (or --out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ui.server import background, free_port, stop, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PASSWORD = "gongzhi-demo"
PG_ADMIN_URL = os.environ.get("LOAD_PG_ADMIN_URL", "postgresql+psycopg://gongzhi:gongzhi@localhost:5432/postgres")
PG_DATABASE = "gongzhi_load"
# who the simulated users are, in turn: most of the work is the communities' (workers and secretaries)
ROLES = ["worker", "secretary", "worker", "leader", "unitrep", "worker", "admin", "secretary", "recorder", "worker"]
WRITERS = {"worker", "secretary"}  # those who register matters (matter.create)
# pages that rerun by themselves every second while a meeting runs or on the wall screen: not a person's walk
SKIP_PAGES = {"screen", "chair", "council-live"}
ACTION_TIMEOUT = 120.0
TICK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- the protocol


def _proto():
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    return BackMsg, ForwardMsg, WidgetState


KEY = re.compile(r"^\$\$ID-[0-9a-f]+-(.*)$")


@dataclass
class Page:
    """What one run drew: its widgets by key, its alerts, and what went wrong."""
    widgets: dict = field(default_factory=dict)  # key -> (element type, element proto)
    alerts: list = field(default_factory=list)  # (format name, body)
    problems: list = field(default_factory=list)
    pages: list = field(default_factory=list)  # (page_script_hash, url_pathname) of the menu

    def widget(self, pattern: str):
        """The widget whose key matches `pattern` entirely (a form's key carries its round: intake_channel_r2)."""
        for key, found in self.widgets.items():
            if re.fullmatch(pattern, key):
                return found
        return None


class Client:
    """One browser tab: one websocket, one Streamlit session."""

    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = None
        self.page_hash = ""
        self.page_name = ""

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None, ping_interval=None,
                                           open_timeout=ACTION_TIMEOUT)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def rerun(self, widgets=(), *, page: tuple[str, str] | None = None) -> tuple[float, Page]:
        """Send one action and read until the page has settled; (seconds, what was drawn)."""
        BackMsg, ForwardMsg, _ = _proto()
        if page is not None:
            self.page_hash, self.page_name = page
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        state.page_script_hash = self.page_hash
        state.page_name = self.page_name
        state.context_info.timezone = "Asia/Shanghai"
        state.context_info.timezone_offset = -480
        state.context_info.locale = "zh-CN"
        state.context_info.url = self.url
        state.widget_states.widgets.extend(widgets)
        drawn = Page()
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), ACTION_TIMEOUT - (time.perf_counter() - started))
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                etype = element.WhichOneof("type")
                body = getattr(element, etype)
                if etype == "exception":
                    drawn.problems.append(f"exception: {body.type}: {body.message[:200]}")
                elif etype == "alert":
                    fmt = type(body).Format.Name(body.format)
                    drawn.alerts.append((fmt, body.body))
                    if fmt == "ERROR":
                        drawn.problems.append(f"error box: {body.body[:200]}")
                widget_id = getattr(body, "id", "") if etype not in ("exception", "alert") else ""
                if widget_id and (match := KEY.match(widget_id)):
                    drawn.widgets[match.group(1)] = (etype, body)
            elif kind == "navigation":
                drawn.pages = [(p.page_script_hash, p.url_pathname) for p in forward.navigation.app_pages
                               if not p.is_hidden]
                self.page_hash = forward.navigation.page_script_hash or self.page_hash
            elif kind == "page_not_found":
                drawn.problems.append("page not found")
            elif kind == "script_finished":
                status = forward.script_finished
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    drawn.problems.append("compile error")
                if status in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
                    return time.perf_counter() - started, drawn


def widget_state(key_id: str, etype: str, body, value):
    """The WidgetState the browser sends for `value` in this widget."""
    _, _, WidgetState = _proto()
    state = WidgetState(id=key_id)
    if etype == "button":
        state.trigger_value = True
    elif etype == "checkbox":
        state.bool_value = bool(value)
    elif etype == "selectbox":
        state.string_value = body.options[value]
    else:
        state.string_value = value
    return state


# ---------------------------------------------------------------- one person


@dataclass
class Tally:
    samples: list = field(default_factory=list)  # (started at, kind, role, page, seconds)
    errors: list = field(default_factory=list)  # (started at, kind, role, what)
    saves: list = field(default_factory=list)  # tags the page acknowledged
    attempted: int = 0


class User:
    def __init__(self, number: int, role: str, url: str, tally: Tally, *, tag: str, think: tuple[float, float],
                 form_think: tuple[float, float], save_share: float, until: float, origin: float, rng: random.Random):
        self.number, self.role, self.tally, self.tag = number, role, tally, tag
        self.think, self.form_think, self.save_share = think, form_think, save_share
        self.until, self.origin, self.rng = until, origin, rng
        self.client = Client(url)
        self.pages: list = []
        self.saved = 0

    async def act(self, kind: str, widgets=(), *, page=None, expect_login: bool = False) -> Page | None:
        started = time.monotonic() - self.origin
        name = (page or (None, self.client.page_name))[1] or "home"
        try:
            seconds, drawn = await self.client.rerun(widgets, page=page)
        except Exception as err:  # noqa: BLE001 -- a timeout or a dropped connection is what is counted
            self.tally.errors.append((round(started, 2), kind, self.role, f"{type(err).__name__}: {err}"[:200]))
            return None
        problems = list(drawn.problems)
        if not expect_login and drawn.widget("login_username"):
            problems.append("the login form instead of the page")
        for problem in problems:
            self.tally.errors.append((round(started, 2), kind, self.role, f"{name}: {problem}"))
        self.tally.samples.append((round(started, 3), kind, self.role, name, round(seconds, 4)))
        if drawn.pages:
            self.pages = [p for p in drawn.pages if p[1] not in SKIP_PAGES]
        return None if problems else drawn

    async def pause(self, low: float, high: float) -> None:
        await asyncio.sleep(self.rng.uniform(low, high))

    async def run(self, start_delay: float) -> None:
        await asyncio.sleep(start_delay)
        try:
            await self.client.connect()
        except Exception as err:  # noqa: BLE001
            self.tally.errors.append((0.0, "connect", self.role, f"{type(err).__name__}: {err}"[:200]))
            return
        try:
            await self.session()
        finally:
            await self.client.close()

    async def session(self) -> None:
        drawn = await self.act("open", expect_login=True)
        if drawn is None:
            return
        await self.pause(*self.form_think)  # typing the name and password
        states = [widget_state(drawn.widgets[k][1].id, *drawn.widgets[k], v)
                  for k, v in (("login_username", self.role), ("login_password", PASSWORD), ("login_submit", True))]
        drawn = await self.act("login", states)
        if drawn is None:
            return
        while time.monotonic() < self.until:
            await self.pause(*self.think)
            if time.monotonic() >= self.until:
                break
            if self.role in WRITERS and self.rng.random() < self.save_share:
                await self.register_matter()
            elif self.pages:
                await self.act("page", page=self.rng.choice(self.pages))

    async def register_matter(self) -> None:
        """Open the intake page and fill it as a person does: every choice and every text left is a rerun."""
        intake = next((p for p in self.pages if p[1] == "intake"), None)
        if intake is None:
            return
        drawn = await self.act("form", page=intake)
        if drawn is None:
            return
        self.saved += 1
        tag = f"{self.tag}u{self.number}n{self.saved}"
        anonymous = self.rng.random() < 0.5
        values: dict[str, object] = {}

        def pick(field_name: str):
            found = drawn.widget(f"intake_{field_name}(_r\\d+)?")
            return None if found is None or not found[1].options else self.rng.randrange(len(found[1].options))

        steps = [("channel", lambda: pick("channel")), ("sub_source", lambda: pick("sub_source")),
                 ("grid_id", lambda: pick("grid_id"))]
        if anonymous:
            steps.append(("anonymous", lambda: True))
        else:
            phone = f"139{self.rng.randrange(10**8):08d}"
            steps += [("reporter_name", lambda: "李阿姨"), ("reporter_phone", lambda: phone)]
        steps += [("description", lambda: f"楼道灯不亮，晚上出行不便，请尽快维修。（负载测试 {tag}）"),
                  ("category", lambda: pick("category")), ("mode", lambda: pick("mode")), ("save", lambda: True)]
        for name, choose in steps:
            await self.pause(*self.form_think)
            value = choose()
            if value is None:
                self.tally.errors.append((round(time.monotonic() - self.origin, 2), "form", self.role,
                                          f"intake: no options for {name}"))
                return
            values[name] = value
            states = []
            for field_name, chosen in values.items():
                found = drawn.widget(f"intake_{field_name}(_r\\d+)?")
                if found is None:
                    self.tally.errors.append((round(time.monotonic() - self.origin, 2), "form", self.role,
                                              f"intake: no widget {field_name}"))
                    return
                if field_name == "save" and name != "save":
                    continue
                states.append(widget_state(found[1].id, *found, chosen))
            if name == "save":
                self.tally.attempted += 1
            drawn = await self.act("save" if name == "save" else "form", states)
            if drawn is None:
                return
        if any(fmt == "SUCCESS" for fmt, _ in drawn.alerts):
            self.tally.saves.append(tag)
        else:
            self.tally.errors.append((round(time.monotonic() - self.origin, 2), "save", self.role,
                                      f"intake: no success message ({drawn.alerts})"[:200]))


# ---------------------------------------------------------------- servers and measurement


@contextmanager
def server(database_url: str, logs: Path):
    """The app's server (ui.server.background, as run.py serves it) on a free port; yields (url, process)."""
    port = free_port()
    with background(logs / f"server-{port}.log", port=port,
                    env={"GONGZHI_DATABASE_URL": database_url, "GONGZHI_DEMO": "1"}) as (url, proc):
        yield url, proc


@contextmanager
def proxy(backends: list[str], logs: Path):
    port = free_port()
    log = logs / f"proxy-{port}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bench.proxy", str(port),
                                 *[b.rsplit(":", 1)[1] for b in backends]], cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url, proc, log)
            yield url, proc
        finally:
            stop(proc)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def memory_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) in MB."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    return (sum(values) - values[3] - values[4]) / TICK, sum(values) / TICK


def load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


async def sample(pids: dict[str, int], into: list, every: float = 1.0) -> None:
    """Every second: (time, load1, {name: (cpu seconds, rss MB)})."""
    while True:
        row = {}
        for name, pid in pids.items():
            try:
                row[name] = (cpu_seconds(pid), memory_mb(pid)[0])
            except (OSError, ValueError, KeyError):
                pass
        into.append((time.monotonic(), load1(), row))
        await asyncio.sleep(every)


async def warm(url: str) -> None:
    """Open the login page once, as the first visitor of a started server does (the engine opens)."""
    client = Client(url)
    await client.connect()
    try:
        await client.rerun()
    finally:
        await client.close()


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def figures(seconds: list[float]) -> dict:
    return {"count": len(seconds), "p50_s": round(statistics.median(seconds), 3) if seconds else None,
            "p95_s": round(percentile(seconds, 0.95), 3) if seconds else None,
            "max_s": round(max(seconds), 3) if seconds else None}


async def drive(url: str, users: int, minutes: float, pids: dict[str, int], *, tag: str, seed: int,
                think: tuple[float, float], form_think: tuple[float, float], save_share: float,
                ramp: float) -> dict:
    tally = Tally()
    samples: list = []
    sampler = asyncio.create_task(sample(pids, samples))
    rng = random.Random(seed)
    origin = time.monotonic()
    until = origin + ramp + minutes * 60
    people = [User(i + 1, ROLES[i % len(ROLES)], url, tally, tag=tag, think=think, form_think=form_think,
                   save_share=save_share,
                   until=until, origin=origin, rng=random.Random(rng.random())) for i in range(users)]
    client_cpu, busy = time.process_time(), machine_busy()
    await asyncio.gather(*(p.run(ramp * i / max(1, users)) for i, p in enumerate(people)))
    client_cpu = time.process_time() - client_cpu
    busy = [after - before for after, before in zip(machine_busy(), busy, strict=True)]
    wall = time.monotonic() - origin
    await asyncio.sleep(1.1)
    sampler.cancel()
    steady = [s for s in tally.samples if s[0] >= ramp and s[1] not in ("open", "login")]
    by_kind = {kind: figures([s[4] for s in tally.samples if s[1] == kind])
               for kind in ("open", "login", "page", "form", "save")}
    by_page: dict[str, list] = {}
    for s in tally.samples:
        if s[1] == "page":
            by_page.setdefault(s[3], []).append(s[4])
    window = [row for row in samples if row[0] >= origin + ramp]
    servers = {}
    for name, pid in pids.items():
        rows = [(t, r[name]) for t, _, r in samples if name in r]
        steady_rows = [(t, r[name]) for t, _, r in window if name in r]
        cpu = rows[-1][1][0] - rows[0][1][0] if len(rows) > 1 else 0.0
        steady_cpu = (steady_rows[-1][1][0] - steady_rows[0][1][0]) / (steady_rows[-1][0] - steady_rows[0][0]) \
            if len(steady_rows) > 1 else None
        try:
            peak = memory_mb(pid)[1]
        except OSError:
            peak = None
        servers[name] = {"cpu_s": round(cpu, 1), "cpu_share_of_one_core": round(cpu / wall, 3),
                         "steady_cpu_share_of_one_core": round(steady_cpu, 3) if steady_cpu is not None else None,
                         "rss_end_mb": round(rows[-1][1][1], 1) if rows else None,
                         "peak_rss_mb": round(peak, 1) if peak else None}
    loads = [row[1] for row in samples]
    return {
        "users": users, "minutes": minutes, "ramp_s": ramp, "wall_s": round(wall, 1), "tag": tag,
        "roles": {role: sum(1 for p in people if p.role == role) for role in sorted(set(ROLES))},
        "actions": figures([s[4] for s in steady]), "all_actions": figures([s[4] for s in tally.samples]),
        "actions_per_s": round(len(steady) / max(1e-9, wall - ramp), 2),
        "by_kind": by_kind, "by_page": {page: figures(v) for page, v in sorted(by_page.items())},
        "errors": len(tally.errors), "error_samples": tally.errors[:20],
        "saves_attempted": tally.attempted, "saves_acknowledged": len(tally.saves), "_acked": tally.saves,
        "servers": servers,
        "client": {"cpu_s": round(client_cpu, 1), "cpu_share_of_one_core": round(client_cpu / wall, 3)},
        "machine_cpu_busy_share": round(busy[0] / busy[1], 3) if busy[1] else None,
        "load1": {"start": loads[0] if loads else None, "max": max(loads) if loads else None,
                  "end": loads[-1] if loads else None, "mean": round(statistics.mean(loads), 2) if loads else None},
        "samples": tally.samples,
    }


def written(database_url: str, tag: str) -> set[str]:
    """The run's tags found in the matters' descriptions."""
    from sqlalchemy import select

    from data_access.db import make_engine
    from data_access.models import Matter

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Matter.description).where(Matter.description.like(f"%{tag}u%"))).scalars()
            return {m.group(1) for d in rows if (m := re.search(rf"({re.escape(tag)}u\d+n\d+)", d or ""))}
    finally:
        engine.dispose()


def counts(database_url: str) -> dict:
    from sqlalchemy import func, select

    from data_access.db import make_engine
    from data_access.models import AuditLog, Community, Grid, Matter, MatterEvent, User

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return {model.__tablename__: conn.execute(select(func.count()).select_from(model)).scalar_one()
                    for model in (Community, Grid, User, Matter, MatterEvent, AuditLog)}
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the databases


def fresh_postgresql() -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {PG_DATABASE}"))
    finally:
        admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE


def git_commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "app.py", "pages", "ui", "data_access",
                                "domain", "i18n", "config.yaml"], cwd=ROOT, capture_output=True, text=True).stdout
        return commit + ("+changes" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_database(db: str, user_counts: list[int], args, logs: Path) -> dict:
    if db == "sqlite":
        url = f"sqlite:///{logs / 'load.db'}"
        processes = 1
    else:
        url = fresh_postgresql()
        processes = args.processes
    result = {"db": db, "server_processes": processes, "commit": git_commit(),
              "started": datetime.now().astimezone().isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count()}, "think_s": list(args.think),
              "form_think_s": list(args.form_think), "save_share": args.save_share,
              "runs": []}
    for users in user_counts:
        tag = f"L{int(time.time())}x"
        with ExitStack() as stack:
            backends = [stack.enter_context(server(url, logs)) for _ in range(processes)]
            for backend_url, _ in backends:  # each process opens (and, the first time, seeds) its engine
                asyncio.run(warm(backend_url))
            if "data" not in result:
                result["data"] = counts(url)
            pids = {f"server{i + 1}": proc.pid for i, (_, proc) in enumerate(backends)}
            front = backends[0][0]
            if processes > 1:
                front, proxy_proc = stack.enter_context(proxy([u for u, _ in backends], logs))
                pids["proxy"] = proxy_proc.pid
            print(f"{db}: {users} users for {args.minutes} min (+{args.ramp:.0f} s ramp) at {front}", flush=True)
            run = asyncio.run(drive(front, users, args.minutes, pids, tag=tag, seed=args.seed + users,
                                    think=args.think, form_think=args.form_think, save_share=args.save_share,
                                    ramp=args.ramp))
        found = written(url, tag)
        acked = set(run.pop("_acked"))
        run["saves_in_database"] = len(found)
        run["lost_writes"] = len(acked - found)
        run["unacknowledged_writes"] = len(found - acked)
        samples = run.pop("samples")
        run["slowest"] = sorted(samples, key=lambda s: -s[4])[:10]
        result["runs"].append(run)
        summary = {k: run[k] for k in ("users", "actions", "errors", "saves_acknowledged", "lost_writes",
                                        "machine_cpu_busy_share")}
        print(json.dumps({**summary, "server": run["servers"], "client": run["client"], "load1": run["load1"]},
                         ensure_ascii=False), flush=True)
        if args.samples:
            (logs / f"samples-{db}-{users}.json").write_text(json.dumps(samples))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--users", default="10,25,50", help="comma-separated numbers of users, one run each")
    parser.add_argument("--minutes", type=float, default=3.0, help="minutes per run after the ramp")
    parser.add_argument("--ramp", type=float, default=None, help="seconds over which users arrive (default: "
                                                                  "0.6 s per user, at most 30)")
    parser.add_argument("--think", type=lambda s: tuple(float(x) for x in s.split(",")), default=(4.0, 12.0),
                        help="a person's pause between actions, low,high seconds (uniform)")
    parser.add_argument("--form-think", type=lambda s: tuple(float(x) for x in s.split(",")), default=(1.0, 4.0),
                        help="a person's pause between a form's fields, low,high seconds (uniform)")
    parser.add_argument("--save-share", type=float, default=0.15,
                        help="share of a writer's actions that register a matter (about 9 reruns)")
    parser.add_argument("--processes", type=int, default=2, help="PostgreSQL's server processes")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for load-{db}.json")
    parser.add_argument("--samples", action="store_true", help="keep every sample beside the server logs")
    args = parser.parse_args(argv)
    user_counts = [int(x) for x in args.users.split(",")]
    if args.ramp is None:
        args.ramp = min(30.0, 0.6 * max(user_counts))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gongzhi-load-") as tmp:
        logs = Path(tmp)
        print(f"server logs in {logs}", flush=True)
        for db in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
            result = run_database(db, user_counts, args, logs)
            result["finished"] = datetime.now().astimezone().isoformat(timespec="seconds")
            (args.out / f"load-{db}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
