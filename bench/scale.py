"""The scale benchmark: build, query and update an index of 1,000 documents.

    python bench/scale.py [--docs 1000] [--json] [--out bench/out/scale]

1. writes the corpus of ``bench/corpus.py`` (``--docs`` documents, about 10,000
   characters each) into ``OUT/corpus``, and one more document into ``OUT/extra``;
2. makes a fresh ``CARBON_HOME`` in ``OUT/home`` and runs ``carbon search 碳`` once, so
   that the seed's index and the caches exist (not measured);
3. **build**: ``carbon docs add OUT/corpus --json``;
4. **queries**: each of ``QUERIES`` once unmeasured, then ``REPEAT`` times measured,
   as ``carbon search QUERY --json``;
5. **every judged query**: each query of ``data/judgments.tsv`` and
   ``data/judgments_holdout.tsv`` (231 written for the quality evaluation, not for
   speed) once, as ``carbon search --json -- QUERY``: the spread of wall times over
   queries people ask, beyond the eight chosen above (``--no-judged`` skips it);
6. **add one**: ``carbon docs add OUT/extra/<file> --json``, then **remove one**:
   ``carbon docs remove <id>``.

``--reuse`` keeps the corpus and the homes an earlier run of the same ``--out`` built
and measures the steps after the build again (the build is reported as not run).

Both sides run with their bytecode compiled, as an installed program has it (an
editable install writes it on its first run, except where PYTHONDONTWRITEBYTECODE is
set: then every call would compile carbon's sources again, about 0.15 s).

``--against CHECKOUT`` also runs another checkout of carbon (``python -P -m carbon_cli``
with that checkout on ``PYTHONPATH``) on a home of its own, step by step beside this
one: both build the same corpus, and every query is run by one and then the other, so
load on the machine falls on both alike; the table gives both and their ratio.

Every step is the installed ``carbon`` program in its own process, timed from outside:
wall time, CPU time (user + sys of the process and of every process it started, from
``wait4``), CPU utilisation (CPU over wall: 2.0 means both cores
busy the whole time) and peak memory: sampled every 20 ms from ``/proc`` as the sum
of the resident sets of the process and its children (an upper bound: pages the
worker processes share are counted once per process). The machine's load average is
reported too: other work on the machine lengthens wall times but not CPU times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

JUDGED = ("judgments.tsv", "judgments_holdout.tsv")
QUERIES = ("碳", "技术", "碳达峰", "储能", "碳达峰 行动", "绿色金融", "CCUS", "可再生能源 消纳")
REPEAT = 5


@dataclass
class Step:
    """One measured run of the program."""

    name: str
    wall: float
    cpu: float
    peak_rss_mb: float
    code: int
    stdout: str

    @property
    def utilisation(self) -> float:
        return self.cpu / self.wall if self.wall else 0.0


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * resource.getpagesize()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run(name: str, args: list[str], env: dict[str, str]) -> Step:
    """Run ``carbon ARGS`` (or the program ``env`` names in ``CARBON_PROGRAM``, a JSON
    list), timing it and sampling its memory."""
    program = json.loads(env["CARBON_PROGRAM"]) if "CARBON_PROGRAM" in env else [_carbon()]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([*program, *args], env=env, stdout=out, stderr=err)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(proc.pid))
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # wait4: this process's own CPU time, with that of the workers it waited for (not
        # its ru_maxrss: Linux keeps that across exec, so it would include this script's)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    cpu = usage.ru_utime + usage.ru_stime
    if proc.returncode not in (0, 1):
        sys.stderr.write(stderr.decode("utf-8", "replace"))
        raise SystemExit(f"{name}: carbon exited with {proc.returncode}")
    return Step(name, wall, cpu, peak / 2**20, proc.returncode, stdout.decode("utf-8"))


def _carbon() -> str:
    found = shutil.which("carbon", path=str(Path(sys.executable).parent)) or shutil.which("carbon")
    if not found:
        raise SystemExit("carbon is not installed in this environment (pip install -e .)")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="write the numbers as JSON")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scale")
    parser.add_argument("--from-json", type=Path, help="print the table of an earlier --json run, run nothing")
    parser.add_argument("--no-judged", dest="judged", action="store_false", help="skip timing every judged query")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT", help="also run another checkout, step by step")
    parser.add_argument("--reuse", action="store_true", help="keep the corpus and homes of an earlier run: no build")
    args = parser.parse_args()
    if args.from_json:
        _print_all(json.loads(args.from_json.read_text(encoding="utf-8")))
        return

    out: Path = args.out
    reuse = args.reuse and (out / "home" / "index.sqlite").exists()
    (extra_name, extra_text), = list(corpus.documents(1, seed=99))
    extra = out / "extra" / f"extra_{extra_name}"
    if reuse:
        texts = sorted((out / "corpus").iterdir())
        files, chars = len(texts), sum(len(path.read_text(encoding="utf-8")) for path in texts)
    else:
        shutil.rmtree(out, ignore_errors=True)
        files, chars = corpus.write_corpus(out / "corpus", args.docs)
        (out / "extra").mkdir(parents=True)
        extra.write_text(extra_text, encoding="utf-8")
    import compileall

    compileall.compile_dir(str(ROOT / "carbon_cli"), quiet=1)
    sides = {"this": _env(out / "home", out / "cache")}
    if args.against:
        compileall.compile_dir(str(args.against / "carbon_cli"), quiet=1)
        against = _env(out / "home-against", out / "cache-against")
        against["PYTHONPATH"] = str(args.against.resolve())
        against["CARBON_PROGRAM"] = json.dumps([sys.executable, "-P", "-m", "carbon_cli"])
        sides[str(args.against)] = against
    load_before = os.getloadavg()

    builds: dict[str, Step | None] = {name: None for name in sides}
    for name, env in sides.items():
        run("prepare", ["search", "碳", "--json"], env)
        if not reuse:
            builds[name] = run("build", ["docs", "add", str(out / "corpus"), "--json"], env)
    queries: dict[str, list[dict]] = {name: [] for name in sides}
    for query in QUERIES:
        steps: dict[str, list[Step]] = {name: [] for name in sides}
        for env in sides.values():
            run("warm-up", ["search", *query.split(), "--json"], env)
        for _ in range(REPEAT):
            for name, env in sides.items():
                steps[name].append(run(query, ["search", *query.split(), "--json"], env))
        for name in sides:
            queries[name].append(_query_row(query, steps[name]))
    judged = _judged(sides) if args.judged else {name: None for name in sides}
    results = {}
    for name, env in sides.items():
        add_one = run("add one", ["docs", "add", str(extra), "--json"], env)
        added_id = json.loads(add_one.stdout)["added"][0]["id"]
        remove_one = run("remove one", ["docs", "remove", added_id, "--json"], env)
        index_mb = (Path(env["CARBON_HOME"]) / "index.sqlite").stat().st_size / 2**20
        build = builds[name]
        results[name] = {
            "corpus": {"documents": files, "chars": chars, "index_mb": round(index_mb, 1)},
            "build": None if build is None else {**_step(build), "chars_per_second": round(chars / build.wall),
                                                 "reported": json.loads(build.stdout)["indexed"]},
            "queries": queries[name],
            "judged": judged[name],
            "add_one": {**_step(add_one), "chars": len(extra_text)},
            "remove_one": _step(remove_one),
        }
    machine = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
               "load_before": [round(x, 2) for x in load_before],
               "load_after": [round(x, 2) for x in os.getloadavg()]}
    result = {"machine": machine, **results["this"]}
    if args.against:
        result["against"] = {"checkout": str(args.against), **results[str(args.against)]}
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_all(result)


def _env(home: Path, cache: Path) -> dict[str, str]:
    return {**os.environ, "CARBON_HOME": str(home), "CARBON_CACHE": str(cache), "NO_COLOR": "1"}


def _query_row(query: str, steps: list[Step]) -> dict:
    row = {
        "query": query, "hits": json.loads(steps[0].stdout)["total"],
        "wall_median": statistics.median(s.wall for s in steps), "wall_max": max(s.wall for s in steps),
        "cpu_median": statistics.median(s.cpu for s in steps), "peak_rss_mb": max(s.peak_rss_mb for s in steps),
    }
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}


def _judged(sides: dict[str, dict[str, str]]) -> dict[str, dict]:
    """Wall time of each judged query, run once each by every side in turn: their
    spread and the slowest."""
    from carbon_cli.evaluate import load_judgments

    queries = [j.query for name in JUDGED for j in load_judgments(ROOT / "data" / name)]
    times: dict[str, list[tuple[float, str]]] = {name: [] for name in sides}
    for query in queries:
        for name, env in sides.items():
            times[name].append((run(query, ["search", "--json", "--", query], env).wall, query))
    return {name: _spread(found) for name, found in times.items()}


def _spread(times: list[tuple[float, str]]) -> dict:
    walls = sorted(t for t, _ in times)
    slowest = sorted(times, reverse=True)[:5]
    return {
        "queries": len(walls),
        "median": round(statistics.median(walls), 3),
        "p90": round(walls[int(len(walls) * 0.9)], 3),
        "max": round(walls[-1], 3),
        "over_half_second": sum(t > 0.5 for t in walls),
        "slowest": [{"query": q, "wall": round(t, 3)} for t, q in slowest],
        "walls": {q: round(t, 3) for t, q in times},
    }


def _step(step: Step) -> dict[str, float]:
    data = {k: v for k, v in asdict(step).items() if k in ("wall", "cpu", "peak_rss_mb")}
    data["utilisation"] = step.utilisation
    return {k: round(v, 3) for k, v in data.items()}


def _print_all(result: dict) -> None:
    machine = result["machine"]
    print(f"machine: {machine['cores']} cores, Python {machine['python']}, load average "
          f"{machine['load_before'][0]} before, {machine['load_after'][0]} after")
    _print(result)
    against = result.get("against")
    if against:
        print(f"\nagainst {against['checkout']}, step by step beside the above:")
        _print(against)
        print(_ratios(result, against))


def _ratios(this: dict, other: dict) -> str:
    """This side over the other: build, the eight queries, the judged queries query by query."""
    lines = ["| this / against | ratio |", "| --- | ---: |",
             f"| index on disk | {this['corpus']['index_mb'] / other['corpus']['index_mb']:.3f} |"]
    if this["build"] and other["build"]:
        lines.insert(2, f"| build, wall / CPU | {this['build']['wall'] / other['build']['wall']:.3f} / "
                        f"{this['build']['cpu'] / other['build']['cpu']:.3f} |")
    for mine, theirs in zip(this["queries"], other["queries"]):
        lines.append(f"| {mine['query']}, median | {mine['wall_median'] / theirs['wall_median']:.3f} |")
    if this.get("judged") and other.get("judged"):
        pairs = [(t, other["judged"]["walls"][q]) for q, t in this["judged"]["walls"].items()]
        ratios = sorted(a / b for a, b in pairs)
        lines.append(f"| judged queries ({len(ratios)}), median of the per-query ratios | "
                     f"{statistics.median(ratios):.3f} |")
        for key in ("median", "p90", "max"):
            lines.append(f"| judged queries, {key} | {this['judged'][key] / other['judged'][key]:.3f} |")
    return "\n".join(lines)


def _print(result: dict) -> None:
    corpus_info, build = result["corpus"], result["build"]
    print(f"corpus: {corpus_info['documents']:,} documents, {corpus_info['chars']:,} characters; "
          f"index {corpus_info['index_mb']} MB")
    print("| step | wall s | CPU s | CPU / wall | peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    if build is None:
        print("| build: not run (--reuse) | | | | |")
    else:
        print(f"| build ({build['chars_per_second']:,} chars/s; {build['reported']['workers']} workers, the writing "
              f"process {build['reported']['cpu_seconds']:.1f} s CPU) | {build['wall']:.2f} | {build['cpu']:.2f} | "
              f"{build['utilisation']:.2f} | {build['peak_rss_mb']:.0f} |")
    for q in result["queries"]:
        print(f"| search {q['query']} ({q['hits']:,} hits), median of {REPEAT} (max {q['wall_max']:.2f}) | "
              f"{q['wall_median']:.2f} | {q['cpu_median']:.2f} | | {q['peak_rss_mb']:.0f} |")
    judged = result.get("judged")
    if judged:
        slowest = ", ".join(f"{s['query']} {s['wall']:.2f}" for s in judged["slowest"])
        print(f"| every judged query once ({judged['queries']}): median {judged['median']:.2f}, 90th percentile "
              f"{judged['p90']:.2f}, max {judged['max']:.2f}; {judged['over_half_second']} over 0.5 s (slowest: "
              f"{slowest}) | | | | |")
    for key, name in (("add_one", f"add one ({result['add_one']['chars']:,} chars)"), ("remove_one", "remove one")):
        step = result[key]
        print(f"| {name} | {step['wall']:.2f} | {step['cpu']:.2f} | {step['utilisation']:.2f} | {step['peak_rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
