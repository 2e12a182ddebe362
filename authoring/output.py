"""Writing outputs safely: all or nothing, never a half-written file in place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_files(files: Mapping[Path, bytes]) -> list[Path]:
    """Write every file atomically; on any failure, leave every existing file as it was.

    Each file is first written in full to a temporary file in its own folder; only when
    all are written are they moved into place with :func:`os.replace`, which is atomic.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            temp = Path(temp_name)
            staged.append((temp, target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            if temp.stat().st_size != len(data):
                raise OSError(f"short write to {temp}")
            temp.chmod(0o644)
        for temp, target in staged:
            temp.replace(target)  # atomic, like os.replace
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return [target for _, target in staged]
