"""Reading a file a person named (--config, a secretsFile) without ever blocking on it.

A named pipe blocks `open` until something writes to it, and a device (/dev/zero, a tty) never
ends: either would freeze the CLI and the doctor. The file is opened without blocking and
refused unless it is a regular file.
"""

from __future__ import annotations

import errno
import os
import stat

KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotARegularFile(OSError):
    """`path` is a pipe, a device or a socket. `kind` says which, in words."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(errno.EINVAL, f"not a regular file: {kind}", path)
        self.kind = kind


def read_regular_file(path: str) -> bytes:
    """The file's bytes. Raises NotARegularFile for a pipe, device or socket, IsADirectoryError
    for a folder, and OSError as `open` would for the rest (missing, no permission)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        if not stat.S_ISREG(mode):
            raise NotARegularFile(path, next((kind for test, kind in KINDS if test(mode)), "not a file"))
        with os.fdopen(descriptor, "rb", closefd=False) as file:
            return file.read()
    finally:
        os.close(descriptor)
