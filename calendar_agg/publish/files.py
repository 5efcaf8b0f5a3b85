"""Writing published files: atomically, and only when their bytes change."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from calendar_agg.errors import PublishError

TEMP_SUFFIX = ".tmp"  # temp files are ".<name>.<random>.tmp" beside their target


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` via a temp file + rename; False when already identical."""
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, 0o644)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise PublishError(str(path), exc.strerror or str(exc)) from None
    return True


def remove_leftovers(folder: Path) -> int:
    """Delete the temp files a killed run left in ``folder``; how many there were.

    Only one run publishes at a time (the run lock), so no temp file here is in use.
    """
    removed = 0
    for temp in folder.rglob(f".*{TEMP_SUFFIX}") if folder.is_dir() else ():
        try:
            temp.unlink()
            removed += 1
        except OSError as exc:
            raise PublishError(str(temp), f"cannot remove a leftover temp file: "
                                          f"{exc.strerror or exc}") from None
    return removed
