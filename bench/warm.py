"""Time a warm ``carbon search``, the first call and peak memory, against two yardsticks.

The targets are ratios, so that they hold on any machine:

- a warm ``carbon search CCUS --json`` takes at most 1.5 times
  ``python -c "import typer, rich.console"`` (the floor of any Typer/rich CLI) and at
  most 0.25 times ``bench/naive_search.py`` (jieba and rank-bm25 rebuilt per call);
- the first call, with an empty CARBON_HOME and an empty CARBON_CACHE, is no slower
  than the naive script;
- a warm query peaks at 80 MB resident or less.

It also times ``python -c "import typer, rich.console, tantivy"``: what the engine
beneath a large library adds to the floor (the seed's query never imports tantivy).

Times are medians over repeated runs in this one session, measured with hyperfine
when it is installed (``-N``: no shell in between) and with a timing loop otherwise,
in rounds that each time every command (see ``medians``). The first call runs from
folders emptied before each run. Peak memory is the largest child RSS that
``getrusage`` reports, over five runs. Everything runs in scratch folders; the
user's CARBON_HOME is never touched.

carbon's modules are byte-compiled first, as pip does for an installed package and
Python does on an editable install's first run. Where PYTHONDONTWRITEBYTECODE is set
an editable install would otherwise compile its sources again on every call (about
20 ms), while typer and rich, installed by pip, would not; ``--no-compile`` measures
that case.

    python bench/warm.py                   # table on stdout
    python bench/warm.py --json out.json   # also the numbers as JSON ("-": stdout only)
    python bench/warm.py --against ../old  # also this checkout against another one

``--against CHECKOUT`` times the same warm query of another checkout of carbon (an
earlier commit, say ``git worktree add ../old REV``) beside this one's, both run as
``python -P -m carbon_cli`` from their own folders, each with a home of its own (an
older index format is no trouble), in the same rounds: their ratio is what a change
cost the warm query.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAIVE = ROOT / "bench" / "naive_search.py"
FLOOR_CODE = "import typer, rich.console"
# What the engine beneath a large library (carbon_cli/engine.py) adds to the floor: the
# seed's query never loads it, a library of 20,000 passages or more does.
ENGINE_CODE = "import typer, rich.console, tantivy"
MAX_FLOOR_RATIO = 1.5
MAX_NAIVE_RATIO = 0.25
MAX_FIRST_RATIO = 1.0
MAX_RSS_MB = 80.0
ROUNDS = 5  # runs are split into rounds, each timing every command in turn


def carbon_program() -> str:
    """The ``carbon`` installed beside this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "carbon"
    found = str(beside) if beside.exists() else shutil.which("carbon")
    if not found:
        sys.exit("bench/warm.py: no carbon program: pip install -e .")
    return found


@dataclass
class Bench:
    """Commands timed together: same environment, same preparation before each run."""

    commands: dict[str, list[str]]
    runs: int
    warmup: int
    env: dict[str, str]
    prepare: str | None = None  # a shell command run before each timed run


# per command: the wall-clock seconds of each run, and the CPU seconds (user + system) of all
Timed = dict[str, tuple[list[float], float]]


def run_hyperfine(hyperfine: str, bench: Bench, runs: int, warmup: int) -> Timed:
    """Every run of every command, as hyperfine measures it (-N: no shell)."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "hyperfine.json"
        args = [hyperfine, "-N", "--style", "none", "--runs", str(runs), "--warmup", str(warmup), "--export-json", str(out)]
        if bench.prepare:
            args += ["--prepare", bench.prepare]
        for name, command in bench.commands.items():
            args += ["--command-name", name, subprocess.list2cmdline(command)]
        subprocess.run(args, env=bench.env, check=True, stdout=subprocess.DEVNULL)
        results = json.loads(out.read_text())["results"]
    return {r["command"]: (r["times"], (r["user"] + r["system"]) * len(r["times"])) for r in results}


def run_loop(bench: Bench, runs: int, warmup: int) -> Timed:
    """Every run of every command, runs interleaved, timed here."""
    timed: Timed = {name: ([], 0.0) for name in bench.commands}
    for run in range(warmup + runs):
        for name, command in bench.commands.items():
            if bench.prepare:
                subprocess.run(bench.prepare, shell=True, check=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, env=bench.env, check=True, stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if run >= warmup:
                cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                times, total = timed[name]
                timed[name] = ([*times, wall], total + cpu)
    return timed


def medians(benches: list[Bench], hyperfine: str | None) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall-clock seconds and mean CPU seconds per command.

    On a shared machine the load changes while a benchmark runs, and commands timed
    at different moments would see different loads. So the runs are split into
    rounds, each timing every command in turn, and each median is taken over the
    times of all rounds. The CPU time a command uses depends much less on the load:
    it is reported beside the targets, which are about wall-clock time.
    """
    rounds = max(1, min(ROUNDS, *(bench.runs for bench in benches)))
    times: dict[str, list[float]] = {}
    cpu: dict[str, float] = {}
    for round_ in range(rounds):
        for bench in benches:
            runs = bench.runs // rounds + (1 if round_ < bench.runs % rounds else 0)
            warmup = bench.warmup if round_ == 0 else min(bench.warmup, 1)
            timed = run_hyperfine(hyperfine, bench, runs, warmup) if hyperfine else run_loop(bench, runs, warmup)
            for name, (values, total) in timed.items():
                times.setdefault(name, []).extend(values)
                cpu[name] = cpu.get(name, 0.0) + total
    return (
        {name: statistics.median(values) for name, values in times.items()},
        {name: cpu[name] / len(values) for name, values in times.items()},
    )


# Run a command from a small parent and print the peak RSS of its children: a child
# started by fork or posix_spawn starts from its parent's pages, so the peak is only the
# command's own when the parent is smaller than the command.
_PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_rss_mb(command: list[str], env: dict[str, str]) -> float:
    """The command's maximum resident set size, in MB (Linux reports KiB)."""
    out = subprocess.run([sys.executable, "-c", _PEAK, *command], env=env, capture_output=True, text=True, check=True)
    return int(out.stdout) / 1024


def compile_package() -> None:
    """Byte-compile carbon_cli where the carbon program imports it from."""
    code = "import carbon_cli, compileall, os; compileall.compile_dir(os.path.dirname(carbon_cli.__file__), quiet=1)"
    subprocess.run([sys.executable, "-c", code], check=True)


def checkout_command(checkout: Path, scratch: str, name: str, query: str) -> list[str]:
    """The warm query of the carbon in ``checkout``, with a home of its own under
    ``scratch``: ``-P`` keeps the current folder off ``sys.path``, so that
    ``PYTHONPATH`` decides which checkout is imported."""
    home = Path(scratch) / f"home-{name}"
    return [
        "/usr/bin/env", f"CARBON_HOME={home}", f"CARBON_CACHE={home / 'cache'}", f"PYTHONPATH={checkout}",
        sys.executable, "-P", "-m", "carbon_cli", "search", query, "--json",
    ]


def measure(
    runs: int, warmup: int, first_runs: int, query: str, use_hyperfine: bool, compiled: bool,
    against: Path | None = None,
) -> dict:
    """Every number of the report, measured in scratch folders."""
    carbon = carbon_program()
    if compiled:
        compile_package()
        if against is not None:
            compileall.compile_dir(str(against / "carbon_cli"), quiet=1)
    hyperfine = shutil.which("hyperfine") if use_hyperfine else None
    commands = {
        "carbon": [carbon, "search", query, "--json"],
        "floor": [sys.executable, "-c", FLOOR_CODE],
        "floor+tantivy": [sys.executable, "-c", ENGINE_CODE],
        "naive": [sys.executable, str(NAIVE), query],
    }
    with tempfile.TemporaryDirectory(prefix="carbon-bench-") as scratch:
        if against is not None:
            commands["this"] = checkout_command(ROOT, scratch, "this", query)
            commands["against"] = checkout_command(against, scratch, "against", query)
            for name in ("this", "against"):
                subprocess.run(commands[name], check=True, stdout=subprocess.DEVNULL)  # its index
        env = {key: value for key, value in os.environ.items() if key != "CARBON_DEBUG"}
        warm_env = {**env, "CARBON_HOME": str(Path(scratch) / "home"), "CARBON_CACHE": str(Path(scratch) / "cache")}
        fresh = Path(scratch) / "first"
        first_env = {**env, "CARBON_HOME": str(fresh / "home"), "CARBON_CACHE": str(fresh / "cache")}
        subprocess.run(commands["carbon"], env=warm_env, check=True, stdout=subprocess.DEVNULL)  # build the index
        times, cpu = medians(
            [
                Bench(commands, runs, warmup, warm_env),
                Bench({"first": commands["carbon"]}, first_runs, 0, first_env, f"rm -rf {shlex.quote(str(fresh))}"),
            ],
            hyperfine,
        )
        rss = {name: max(peak_rss_mb(command, warm_env) for _ in range(5)) for name, command in commands.items()}
    first = times.pop("first")
    cpu.pop("first")
    ratios = {
        "carbon/floor": times["carbon"] / times["floor"],
        "carbon/naive": times["carbon"] / times["naive"],
        "first/naive": first / times["naive"],
    }
    if against is not None:
        ratios["this/against"] = times["this"] / times["against"]
        ratios["this/against, CPU"] = cpu["this"] / cpu["against"]
    return {
        "query": query,
        "timer": "hyperfine" if hyperfine else "loop",
        "runs": runs,
        "bytecode_compiled": compiled,
        "median_ms": {name: round(value * 1000, 1) for name, value in times.items()},
        "cpu_ms": {name: round(value * 1000, 1) for name, value in cpu.items()},
        "cpu_ratios": {"carbon/floor": round(cpu["carbon"] / cpu["floor"], 3)},
        "first_call_ms": round(first * 1000, 1),
        "ratios": {name: round(value, 3) for name, value in ratios.items()},
        "peak_rss_mb": {name: round(value, 1) for name, value in rss.items()},
        "targets_met": {
            "carbon/floor": ratios["carbon/floor"] <= MAX_FLOOR_RATIO,
            "carbon/naive": ratios["carbon/naive"] <= MAX_NAIVE_RATIO,
            "first/naive": ratios["first/naive"] <= MAX_FIRST_RATIO,
            "peak_rss": rss["carbon"] <= MAX_RSS_MB,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "commands": {name: subprocess.list2cmdline(command) for name, command in commands.items()},
        "against": str(against) if against is not None else None,
    }


def table(result: dict) -> str:
    """The results as the Markdown table docs/performance.md shows."""
    ms, ratios, rss, met = result["median_ms"], result["ratios"], result["peak_rss_mb"], result["targets_met"]
    cpu = result["cpu_ms"]
    mark = {True: "met", False: "MISSED"}
    rows = [
        "| measure | value | target |",
        "| --- | ---: | --- |",
        f"| warm `carbon search {result['query']} --json`, median | {ms['carbon']:.1f} ms | |",
        f"| floor `python -c \"{FLOOR_CODE}\"`, median | {ms['floor']:.1f} ms | |",
        f"| floor with tantivy `python -c \"{ENGINE_CODE}\"`, median | {ms['floor+tantivy']:.1f} ms"
        f" (+{ms['floor+tantivy'] - ms['floor']:.1f} ms: the engine's import, paid by a large library only) | |",
        f"| naive script (`bench/naive_search.py`), median | {ms['naive']:.1f} ms | |",
        f"| carbon / floor | {ratios['carbon/floor']:.2f} | ≤ {MAX_FLOOR_RATIO} ({mark[met['carbon/floor']]}) |",
        f"| carbon / naive | {ratios['carbon/naive']:.3f} | ≤ {MAX_NAIVE_RATIO} ({mark[met['carbon/naive']]}) |",
        f"| first call (empty home and cache), median | {result['first_call_ms']:.1f} ms | |",
        f"| first call / naive | {ratios['first/naive']:.2f} | ≤ {MAX_FIRST_RATIO} ({mark[met['first/naive']]}) |",
        f"| peak RSS, warm query | {rss['carbon']:.1f} MB | ≤ {MAX_RSS_MB:.0f} MB ({mark[met['peak_rss']]}) |",
        f"| peak RSS, floor / naive | {rss['floor']:.1f} / {rss['naive']:.1f} MB | |",
        f"| CPU time (user + system), carbon / floor / naive, mean | {cpu['carbon']:.1f} / {cpu['floor']:.1f}"
        f" / {cpu['naive']:.1f} ms | |",
        f"| carbon / floor, CPU time | {result['cpu_ratios']['carbon/floor']:.2f} | (for reference: varies less with load) |",
    ]
    if result.get("against"):
        rows.append(
            f"| this checkout / `{result['against']}`, warm query | {ms['this']:.1f} / {ms['against']:.1f} ms:"
            f" {ratios['this/against']:.3f} (CPU {ratios['this/against, CPU']:.3f}) | |"
        )
    machine = result["machine"]
    rows.append("")
    rows.append(
        f"{machine['cpus']} CPUs, Python {machine['python']}, {machine['platform']}; "
        f"{result['timer']}, {result['runs']} runs per command, "
        f"carbon's bytecode {'compiled' if result['bytecode_compiled'] else 'not compiled'}"
    )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per command (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed warm runs first (default 3)")
    parser.add_argument("--first-runs", type=int, default=5, help="first calls timed, each from empty folders")
    parser.add_argument("--query", default="CCUS")
    parser.add_argument("--no-hyperfine", action="store_true", help="use the built-in timing loop")
    parser.add_argument("--no-compile", action="store_true", help="do not byte-compile carbon's modules first")
    parser.add_argument("--json", metavar="FILE", nargs="?", const="-", help="write the results as JSON ('-': stdout)")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT", help="also time another checkout's warm query")
    args = parser.parse_args()
    result = measure(
        args.runs, args.warmup, args.first_runs, args.query, not args.no_hyperfine, not args.no_compile, args.against
    )
    if args.json == "-":
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(table(result))
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if all(result["targets_met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
