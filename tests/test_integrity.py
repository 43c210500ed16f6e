"""The library is never lost: ids that look like the library's own files, homes of the
older layout, adds stopped half-way (an error, a full disk, Ctrl-C, SIGTERM, SIGKILL),
build workers outliving their parent, writers waiting for each other, file modes.

The manifest is the only record of the library: after every case below, each record
file is one the manifest names, and ``docs list`` shows exactly the manifest.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbon_cli.store import Home, Record
from helpers import OPINIONS, STORAGE, record_file

STORAGE_ID = "ndrc-nea-new-energy-storage-guidance-2021"


def carbon(exe: str, *args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def _wait_for_writer(home: Path, proc: subprocess.Popen, limit: float = 60.0) -> None:
    """Until ``proc`` holds the home's lock (its pid in the lock file): carbon's signal
    handling is in place by then. An interrupt that lands while Python itself is still
    starting ends with Python's own traceback, before any of carbon has run."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if (home / "lock").read_text(encoding="ascii").strip() == str(proc.pid):
                return
        except OSError:
            pass
        time.sleep(0.005)


def listed_ids(exe: str) -> set[str]:
    result = carbon(exe, "docs", "list", "--json")
    assert result.returncode == 0, result.stderr
    return {d["id"] for d in json.loads(result.stdout) if d["source"].startswith("/")}


def library_agrees(home: Path) -> dict[str, dict]:
    """Every record file is one the manifest names, and no temporary file is left."""
    store = Home(home)
    manifest = store.manifest()
    files = {p.name for p in store.records_dir.iterdir()}
    assert files == {store.record_path(i, e["sha256"]).name for i, e in manifest.items()}, (files, manifest)
    for doc_id, entry in manifest.items():
        assert store.read_record(doc_id, entry["sha256"]) is not None, doc_id
    assert not list(home.glob(".index.*.tmp")) and not list((home / "library").glob(".*.tmp"))
    return manifest


def policy_text(n: int) -> str:
    lines = [line for line in OPINIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return f"关于第{n}批工作的通知\n一、总体要求\n（一）编号{n}。" + "\n".join(lines[n % 40 : n % 40 + 10]) + "\n"


# -- ids never name the library's own files ----------------------------------------------


@pytest.mark.parametrize("name", ["MANIFEST.txt", "manifest.md", "Manifest.HTML", "lock.txt", "index.txt", "docs.txt"])
def test_an_id_named_like_the_librarys_files_loses_nothing(run_carbon, home, tmp_path, name):
    """A file whose id is ``manifest`` (or lock, index, docs) is a document like any other:
    the manifest survives its add, a rebuild and its removal."""
    assert run_carbon("docs", "add", str(STORAGE)).code == 0
    path = tmp_path / name
    body = policy_text(3)
    path.write_text(f"<p>{body}</p>" if name.lower().endswith(".html") else body, encoding="utf-8")
    added = run_carbon("docs", "add", str(path), "--json")
    assert added.code == 0, added
    doc_id = json.loads(added.stdout)["added"][0]["id"]
    assert doc_id == Path(name).stem.lower()
    (home / "index.sqlite").unlink()  # a rebuild reads what the manifest names
    listing = run_carbon("docs", "list", "--json")
    assert {STORAGE_ID, doc_id} <= {d["id"] for d in json.loads(listing.stdout)}
    assert run_carbon("docs", "remove", doc_id).code == 0
    assert set(library_agrees(home)) == {STORAGE_ID}
    assert STORAGE_ID in {d["id"] for d in json.loads(run_carbon("docs", "list", "--json").stdout)}


def _old_layout_home(home: Path, documents: dict[str, str], ghosts: dict[str, str]) -> None:
    """A home as carbon wrote it before records had their own folder: ``library/<id>.json``
    beside the manifest, and records an interrupted add left that no entry names."""
    from carbon_cli.catalog import sha256_text

    library = home / "library"
    library.mkdir(parents=True)
    manifest = {}
    for doc_id, text in {**documents, **ghosts}.items():
        sha = sha256_text(text)
        record = {"id": doc_id, "text": text, "source": f"/old/{doc_id}.txt", "encoding": "utf-8", "format": "text",
                  "sha256": sha, "added": f"2025-01-01T00:00:0{len(manifest)}+00:00"}
        (library / f"{doc_id}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        if doc_id in documents:
            manifest[doc_id] = {"sha256": sha, "source": record["source"]}
    (library / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=0), encoding="utf-8")


@pytest.mark.empty_home
def test_a_home_of_the_older_layout_is_moved_without_losing_a_document(run_carbon, home, tmp_path):
    documents = {f"old-{n}": policy_text(n) for n in range(3)}
    _old_layout_home(home, documents, {"ghost": policy_text(9)})
    first = run_carbon("docs", "list", "--json")
    assert first.code == 0, first
    assert {d["id"] for d in json.loads(first.stdout)} >= set(documents)
    assert "ghost" not in {d["id"] for d in json.loads(first.stdout)}
    moved = [line for line in first.stderr.splitlines() if "orphans" in line]
    assert len(moved) == 1 and "ghost.json" in moved[0] and first.stderr.count("\n") <= 2  # and: the index is missing
    assert (home / "library" / "orphans" / "ghost.json").is_file()  # quarantined, not deleted
    assert not [p for p in (home / "library").glob("*.json") if p.name != "manifest.json"]
    assert set(library_agrees(home)) == set(documents)
    for doc_id, text in documents.items():  # every text as it was
        assert json.loads(record_file(home, doc_id).read_text(encoding="utf-8"))["text"] == text
    again = run_carbon("docs", "list")
    assert again.code == 0 and again.stderr == ""
    assert run_carbon("docs", "add", str(STORAGE)).code == 0
    assert run_carbon("docs", "remove", "old-1").code == 0
    assert set(library_agrees(home)) == {"old-0", "old-2", STORAGE_ID}


@pytest.mark.empty_home
def test_a_home_of_the_older_layout_is_read_in_place_until_moved(cli, home):
    """A reader does not move anything; a home it cannot write keeps answering."""
    documents = {"old-0": policy_text(0)}
    _old_layout_home(home, documents, {})
    store = Home(home)
    assert store.read_record("old-0", store.manifest()["old-0"]["sha256"]).text == documents["old-0"]
    assert [doc_id for doc_id, record in store.records() if record is not None] == ["old-0"]


# -- the manifest is the only source of truth ------------------------------------------


def _ghost(home: Path, doc_id: str, text: str) -> Path:
    """The record a SIGKILLed add leaves: written, never listed in the manifest."""
    from carbon_cli.catalog import sha256_text

    store = Home(home)
    record = Record(doc_id, text, f"/gone/{doc_id}.txt", "utf-8", "text", sha256_text(text), "2026-01-01T00:00:00+00:00")
    store.write_record(record)
    return store.record_path(doc_id, record.sha256)


def test_a_ghost_record_is_neither_a_document_nor_in_the_way(run_carbon, home, tmp_path):
    assert run_carbon("docs", "add", str(STORAGE)).code == 0
    path = tmp_path / "doc-a.txt"
    path.write_text(policy_text(5), encoding="utf-8")
    ghost = _ghost(home, "doc-a", path.read_text(encoding="utf-8"))
    (home / "index.sqlite").unlink()  # the full rebuild that used to index every *.json
    result = run_carbon("docs", "list", "--json")
    assert result.code == 0 and "doc-a" not in {d["id"] for d in json.loads(result.stdout)}
    assert "removed 1 library record of an interrupted add" in result.stderr and result.stderr.count("\n") == 2
    assert not ghost.exists()
    added = run_carbon("docs", "add", str(path), "--json")
    assert added.code == 0 and json.loads(added.stdout)["added"][0]["status"] == "added", added
    assert run_carbon("docs", "remove", "doc-a").code == 0
    assert set(library_agrees(home)) == {STORAGE_ID}


def test_an_index_holding_a_document_the_manifest_lacks_does_not_block_its_add(cli, home, tmp_path):
    """An index built by an older carbon from a ghost record: the add replaces it."""
    assert cli("docs", "add", str(STORAGE)).code == 0
    path = tmp_path / "doc-b.txt"
    path.write_text(policy_text(6), encoding="utf-8")
    assert cli("docs", "add", str(path)).code == 0
    manifest = home / "library" / "manifest.json"
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    record = record_file(home, "doc-b")
    del entries["doc-b"]
    manifest.write_text(json.dumps(entries), encoding="utf-8")
    record.unlink()
    # the index still has doc-b and says it is up to date with this manifest
    conn = sqlite3.connect(home / "index.sqlite")
    with conn:
        conn.execute("UPDATE meta SET v = ? WHERE k = 'library'", (Home(home).library_key(),))
    conn.close()
    again = cli("docs", "add", str(path))
    assert again.code == 0 and "IntegrityError" not in again.stderr, again
    assert set(library_agrees(home)) == {STORAGE_ID, "doc-b"}


def test_a_failed_add_leaves_no_record(cli, home, tmp_path, monkeypatch):
    """All or nothing for each file: the manifest cannot be written (a full disk), so
    the records already written go too, the index is as before, the first error shows."""
    from carbon_cli import store

    assert cli("docs", "add", str(STORAGE)).code == 0
    before = json.loads(cli("docs", "list", "--json").stdout)
    paths = []
    for n in range(3):
        paths.append(tmp_path / f"full-{n}.txt")
        paths[-1].write_text(policy_text(10 + n), encoding="utf-8")
    real = store.Home.write_manifest_data

    def full_disk(self, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(self.library / ".manifest.json.1.tmp"))

    monkeypatch.setattr(store.Home, "write_manifest_data", full_disk)
    result = cli("docs", "add", *map(str, paths))
    assert result.code == 2 and result.stderr.count("\n") == 1, result
    assert f"no space left in {home / 'library'}" in result.stderr and "rollback" not in result.stderr
    monkeypatch.setattr(store.Home, "write_manifest_data", real)
    assert set(library_agrees(home)) == {STORAGE_ID}
    assert json.loads(cli("docs", "list", "--json").stdout) == before
    assert cli("docs", "add", *map(str, paths)).code == 0
    assert set(library_agrees(home)) == {STORAGE_ID, "full-0", "full-1", "full-2"}


def _can_mount_tmpfs(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    return subprocess.run(["unshare", "-m", "sh", "-c", f'mount -t tmpfs -o size=1m tmpfs "{probe}"'],
                          capture_output=True).returncode == 0


@pytest.mark.empty_home
def test_a_full_disk_is_reported_as_such_and_leaves_nothing(home, carbon_exe, tmp_path):
    """A real full disk: CARBON_HOME on a 2 MB tmpfs, a 1.1 MB document."""
    if not _can_mount_tmpfs(tmp_path):
        pytest.skip("needs unshare and mount (root) for a small tmpfs")
    big = tmp_path / "big.txt"
    big.write_text(policy_text(1) * 500, encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_text(policy_text(2), encoding="utf-8")
    script = ('mount -t tmpfs -o size=2m tmpfs "$H" && "$EXE" docs add "$SMALL" >/dev/null && "$EXE" docs add "$BIG"; '
              'echo "exit $?"; "$EXE" docs list --json > "$OUT/list.json"; "$EXE" docs add "$SMALL2"; echo "exit $?"; '
              'find "$H" -name "*.tmp" > "$OUT/tmp.txt"; ls -R "$H/library" > "$OUT/library.txt"')
    small2 = tmp_path / "small2.txt"
    small2.write_text(policy_text(4), encoding="utf-8")
    home.mkdir()
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "H": str(home), "EXE": carbon_exe, "BIG": str(big), "SMALL": str(small),
                               "SMALL2": str(small2), "OUT": str(tmp_path)})
    assert "exit 2" in done.stdout and "Traceback" not in done.stderr, done
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert errors and all("no space left in" in line for line in errors), done.stderr
    assert "rollback" not in done.stderr
    ids = {d["id"] for d in json.loads((tmp_path / "list.json").read_text(encoding="utf-8"))}
    assert "small" in ids and "big" not in ids
    assert (tmp_path / "tmp.txt").read_text() == ""
    assert "big." not in (tmp_path / "library.txt").read_text()


# -- writers: the lock, and the workers ----------------------------------------------


HOLD = """
import sys, time
from pathlib import Path
from carbon_cli.store import Home
with Home(Path(sys.argv[1])).lock():
    print("held", flush=True)
    time.sleep(600)
"""


def _holder(home: Path) -> subprocess.Popen:
    home.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(home)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


@pytest.mark.slow
def test_a_waiting_writer_says_whom_it_waits_for_and_gives_up(home, carbon_exe, tmp_path):
    path = tmp_path / "wait.txt"
    path.write_text(policy_text(7), encoding="utf-8")
    holder = _holder(home)
    try:
        started = time.monotonic()
        result = carbon(carbon_exe, "docs", "add", str(path), env={"CARBON_LOCK_TIMEOUT": "4"})
        waited = time.monotonic() - started
        assert result.returncode == 2 and "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert lines[0] == f"carbon: warning: waiting for process {holder.pid} to finish writing to {home} (at most 4 s)"
        assert lines[1:] == [f"carbon: error: gave up after 4 s waiting for process {holder.pid} to finish writing to {home}"]
        assert 4 <= waited < 30
        holder.send_signal(signal.SIGSTOP)  # Ctrl-Z: it will not go on by itself
        result = carbon(carbon_exe, "docs", "add", str(path), env={"CARBON_LOCK_TIMEOUT": "60"})
        assert result.returncode == 2
        assert f"process {holder.pid} holds the lock of {home} and is stopped" in result.stderr.splitlines()[-1]
    finally:
        holder.kill()
        holder.wait()
    assert carbon(carbon_exe, "docs", "add", str(path)).returncode == 0


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with open(task / "children") as handle:
            found.update(int(c) for c in handle.read().split())
    return found


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_build_workers_die_with_their_parent_and_hold_no_lock(home, carbon_exe, tmp_path, how):
    """A batch large enough for worker processes; the parent killed while they work."""
    if not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2:
        pytest.skip("needs Linux /proc and two cores for worker processes")
    folder = tmp_path / "batch"
    folder.mkdir()
    text = OPINIONS.read_text(encoding="utf-8")
    for n in range(160):  # about 1.2 million characters: over PARALLEL_CHARS
        (folder / f"w{n:02d}.txt").write_text(f"第{n}号\n" + text, encoding="utf-8")
    assert carbon(carbon_exe, "search", "碳").returncode == 0
    proc = subprocess.Popen([carbon_exe, "docs", "add", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        workers = _children(proc.pid)
    assert len(workers) >= 2, "no worker processes started"
    proc.send_signal(how)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{w}").exists() and "Z" not in _state(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in _state(w)], "workers outlived the parent"
    path = tmp_path / "after.txt"
    path.write_text(policy_text(8), encoding="utf-8")
    after = carbon(carbon_exe, "docs", "add", str(path), env={"CARBON_LOCK_TIMEOUT": "20"})
    assert after.returncode == 0, after.stderr
    manifest = library_agrees(home)
    assert "after" in manifest and set(manifest) == listed_ids(carbon_exe)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return "Z"


# -- Ctrl-C and SIGTERM during an add -----------------------------------------------

KILLS = int(os.environ.get("CARBON_SIGNAL_KILLS", "12"))


@pytest.mark.slow
def test_sigterm_and_ctrl_c_during_add_leave_the_library_whole(home, carbon_exe, tmp_path):
    """SIGTERM and SIGINT at random moments of ``docs add``: the command ends with one
    line saying what was added, no record outlives its manifest entry, and the next
    add and remove work."""
    rng = random.Random(int(os.environ.get("CARBON_KILL_SEED", "17")))
    assert carbon(carbon_exe, "docs", "add", str(STORAGE)).returncode == 0
    probe = tmp_path / "probe.txt"
    probe.write_text(policy_text(99), encoding="utf-8")
    started = time.perf_counter()
    assert carbon(carbon_exe, "docs", "add", str(probe)).returncode == 0
    span = max(0.3, (time.perf_counter() - started) * 1.5)
    folder = tmp_path / "incoming"
    folder.mkdir()
    interrupted = 0
    for round_ in range(KILLS):
        batch = []
        for k in range(3):
            batch.append(folder / f"s{round_:02d}-{k}.txt")
            batch[-1].write_text(policy_text(round_ * 3 + k), encoding="utf-8")
        proc = subprocess.Popen([carbon_exe, "docs", "add", *map(str, batch), "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for_writer(home, proc)  # an interrupt before Python has loaded carbon is Python's own
        time.sleep(rng.uniform(0.0, span))
        how = signal.SIGTERM if round_ % 2 else signal.SIGINT
        proc.send_signal(how)
        stdout, stderr = proc.communicate(timeout=120)
        assert "Traceback" not in stderr, stderr
        if proc.returncode in (128 + how, -how):
            interrupted += 1
            if proc.returncode > 0:  # not killed before Python set its handlers up
                assert stderr.splitlines()[-1].startswith("carbon: interrupted"), stderr
                assert stderr.count("carbon: interrupted") == 1
        else:
            assert proc.returncode == 0, stderr
        manifest = library_agrees(home)
        assert set(manifest) == listed_ids(carbon_exe)
        if proc.returncode == 0 or "as listed" in stderr:
            added = {a["id"] for a in json.loads(stdout)["added"]}
            assert added <= set(manifest)
        if "nothing was added" in stderr:
            assert not {p.stem for p in batch} & set(manifest)
    assert interrupted >= KILLS // 3, f"only {interrupted} adds were interrupted"
    last = tmp_path / "last.txt"
    last.write_text(policy_text(200), encoding="utf-8")
    assert carbon(carbon_exe, "docs", "add", str(last)).returncode == 0
    assert carbon(carbon_exe, "docs", "remove", "last").returncode == 0
    assert set(library_agrees(home)) == listed_ids(carbon_exe)
    print(f"\nsignals: {KILLS}, adds interrupted: {interrupted}")


# -- file modes --------------------------------------------------------------------


@pytest.mark.empty_home
def test_every_file_of_a_pre_existing_open_home_is_user_only(home, carbon_exe, tmp_path):
    """A CARBON_HOME the user made 0755, with the umask 022: the files carbon creates in
    it are still 0600 (folders 0700), and the open folder is mentioned once."""
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    env = {"CARBON_CACHE": ""}  # the cache inside the home too
    old = os.umask(0o022)
    try:
        first = carbon(carbon_exe, "search", "碳汇", env=env)
        assert first.returncode == 0
        assert first.stderr.count("can be read by other users") == 1, first.stderr
        assert carbon(carbon_exe, "docs", "add", str(STORAGE), env=env).returncode == 0
        later = carbon(carbon_exe, "search", "储能", env=env)
        assert "can be read by other users" not in later.stderr
    finally:
        os.umask(old)
    for path in home.rglob("*"):
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_temporary_files_of_dead_writers_are_swept_at_start(run_carbon, home, tmp_path):
    """A full disk left ``cache/.lexicon-….tmp`` (2 MB) that nothing removed; the
    next writer removes those of writers no longer running, and keeps a live one's."""
    env = {"CARBON_CACHE": ""}  # the cache inside the home
    assert run_carbon("search", "碳", env=env).code == 0
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = home / "cache" / f".lexicon-0123456789abcdef.txt.{dead.pid}.tmp"
    left.write_bytes(b"x" * 2_000_000)
    live = home / "cache" / f".t2s-chars.txt.{os.getppid()}.tmp"  # a process that is running
    live.write_bytes(b"x")
    records = home / "library" / "docs" / f".orphan.json.{dead.pid}.tmp"
    records.write_bytes(b"{")
    assert run_carbon("docs", "add", str(STORAGE), env=env).code == 0
    assert not left.exists() and not records.exists() and live.exists()


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_TEXT, st.dictionaries(st.sampled_from(["sha256", "source", "added"]), _TEXT), max_size=6))
def test_the_manifest_is_written_as_the_indenting_json_encoder_writes_it(manifest):
    """Its bytes name the library (``library_key``): a home written before keeps its key."""
    expected = json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=0).encode()
    assert Home.manifest_data(manifest) == expected
    assert json.loads(Home.manifest_data(manifest)) == manifest
