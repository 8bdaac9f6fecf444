"""What the live doctor watches: the files daprd would read (the resources folders' entries and the
--config files), as a cheap snapshot of names, sizes and modification times. Polled from a thread;
no dependency beyond the standard library."""

from __future__ import annotations

import os

from dapr_secrets.backends.runtime import RuntimeOptions

Snapshot = tuple[tuple[str, int, int], ...]


def watched_files(options: RuntimeOptions) -> Snapshot:
    """(path, size, mtime_ns) of every entry of the resources folders and every --config file; a
    file that appears, goes or changes changes the snapshot. Empty for a cluster or a sidecar."""
    if options.resources_from_cluster or options.sidecar_url:
        return ()
    found: list[tuple[str, int, int]] = []
    for folder in options.resources_paths:
        folder = os.path.expanduser(folder)
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    found.append(_stat(entry.path))
        except OSError:
            found.append((folder, -1, -1))  # missing or unreadable: its coming back is a change too
    found += [_stat(os.path.expanduser(path)) for path in options.config_files]
    return tuple(sorted(found))


def _stat(path: str) -> tuple[str, int, int]:
    try:
        stat = os.stat(path)
    except OSError:
        return (path, -1, -1)
    return (path, stat.st_size, stat.st_mtime_ns)
