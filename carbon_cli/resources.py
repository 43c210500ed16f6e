"""Where the shipped data lives, installed or in a source checkout.

A wheel carries ``data/`` and ``seeds/`` inside the package as ``_data`` and
``_seeds``; an editable install or a checkout reads them from the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[-1]


def data_dir() -> Path:
    return _first_existing(_PACKAGE / "_data", _PACKAGE.parent / "data")


def seeds_dir() -> Path:
    return _first_existing(_PACKAGE / "_seeds", _PACKAGE.parent / "seeds")


def data_file(name: str) -> Path:
    return data_dir() / name


def seed_file() -> Path:
    """The shipped document: the Q&A on the implementation plan and ten news teasers."""
    return seeds_dir() / "000_2c374d999f13170b.txt"
