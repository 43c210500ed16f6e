"""CARBON_HOME: where the document library, the index and the caches live.

Layout::

    CARBON_HOME/
      library/<doc-id>.json   one added file: its text as read, and how it was read
      library/manifest.json   {doc-id: {"sha256", "source"}} of the library, written last
      index.sqlite            the search index, derived from the seed and the library
      cache/                  the jieba lexicon and other derived files (CARBON_CACHE
                              moves it: it depends only on the installed packages, so
                              several homes can share one)
      lock                    serialises writers

The library is the record of what the user added; the index can always be rebuilt
from it, so a damaged index never loses a document. Every file is written to a
temporary name in the same folder and renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from .model import CarbonError

MANIFEST = "manifest.json"


def default_home() -> Path:
    """The platform's per-user data folder, or CARBON_HOME when set."""
    env = os.environ.get("CARBON_HOME")
    if env:
        return Path(env).expanduser()
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
        return Path(base) / "carbon"
    import platformdirs

    return Path(platformdirs.user_data_dir("carbon", appauthor=False))


def atomic_write(path: Path, data: bytes) -> None:
    """Write data so that readers see the old file or the new one, never a mix."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def safe_id(doc_id: str) -> bool:
    """Whether an id names a file inside the library and nothing else: ids are slugs,
    but the manifest is a plain file a hand may edit."""
    return bool(doc_id) and not doc_id.startswith(".") and not any(c in doc_id for c in "/\\\x00")


class Home:
    """One CARBON_HOME folder."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_home()
        self.library = self.root / "library"
        self.index_path = self.root / "index.sqlite"
        self.cache = Path(os.environ["CARBON_CACHE"]) if os.environ.get("CARBON_CACHE") else self.root / "cache"

    def ensure(self) -> bool:
        """Create the folders, user-only. False when the home cannot be written."""
        try:
            for folder in (self.root, self.library):
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return False
        with contextlib.suppress(OSError):  # derived files only: an unwritable cache costs speed, not the home
            self.cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        return os.access(self.root, os.W_OK) and os.access(self.library, os.W_OK)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """An exclusive lock for writers; readers never wait on it."""
        handle = open(self.root / "lock", "a+b")
        try:
            try:
                import fcntl
            except ImportError:  # Windows: SQLite's own locking still keeps the index whole
                yield
                return
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        finally:
            handle.close()

    def sweep(self) -> None:
        """Remove the temporary files of writers killed mid-write (call under ``lock``:
        only the lock holder writes them, so any other one is left over)."""
        for pattern in (self.root.glob(".index.*.tmp"), self.library.glob(".*.tmp")):
            for path in pattern:
                with contextlib.suppress(OSError):
                    path.unlink()

    # -- the library -----------------------------------------------------------------

    def manifest_bytes(self) -> bytes:
        try:
            return (self.library / MANIFEST).read_bytes()
        except FileNotFoundError:
            return b"{}"
        except OSError as error:
            raise CarbonError(f"cannot read the library in {self.library}: {error.strerror}") from error

    def manifest(self) -> dict[str, dict[str, str]]:
        """doc-id -> {"sha256", "source"} for every document in the library."""
        try:
            data = json.loads(self.manifest_bytes())
        except ValueError:
            data = None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            return self._rebuild_manifest()
        return {
            str(k): {"sha256": str(v.get("sha256")), "source": str(v.get("source"))}
            for k, v in data.items()
            if safe_id(str(k))  # a hand-edited ../../x must not lead outside the library
        }

    def _rebuild_manifest(self) -> dict[str, dict[str, str]]:
        """A damaged manifest is rebuilt from the records themselves."""
        return {r["id"]: {"sha256": str(r.get("sha256")), "source": str(r.get("source"))} for r in self.records()}

    def library_key(self) -> str:
        return hashlib.sha256(self.manifest_bytes()).hexdigest()[:16]

    def record_path(self, doc_id: str) -> Path:
        if not safe_id(doc_id):
            raise ValueError(f"not a document id: {doc_id!r}")
        return self.library / f"{doc_id}.json"

    def read_record(self, doc_id: str) -> dict | None:
        try:
            record = json.loads(self.record_path(doc_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            return None
        return record

    def records(self) -> list[dict]:
        """Every readable record, in the order the documents were added."""
        found = []
        for path in sorted(self.library.glob("*.json")):
            if path.name == MANIFEST:
                continue
            record = self.read_record(path.stem)
            if record is not None and record.get("id") == path.stem:
                found.append(record)
        return sorted(found, key=lambda r: (str(r.get("added", "")), r["id"]))

    def write_record(self, record: dict) -> None:
        """Store one document (call under ``lock``). It belongs to the library once
        ``write_manifest`` lists it: a writer killed in between leaves a record that
        nothing refers to, never a manifest that names a missing record."""
        atomic_write(self.record_path(record["id"]), json.dumps(record, ensure_ascii=False).encode("utf-8"))

    def delete_record(self, doc_id: str) -> None:
        manifest = self.manifest()
        manifest.pop(doc_id, None)
        self.write_manifest(manifest)
        with contextlib.suppress(FileNotFoundError):
            self.record_path(doc_id).unlink()

    def write_manifest(self, manifest: dict[str, dict[str, str]]) -> None:
        """List the library's documents: written once per ``docs add``, after its records."""
        data = json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=0).encode()
        atomic_write(self.library / MANIFEST, data)
