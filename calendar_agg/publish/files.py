"""Writing published files: atomically, and only when their bytes change."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from calendar_agg.errors import PublishError


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` via a temp file + rename; False when already identical."""
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
