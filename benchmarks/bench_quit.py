"""`q` to the process gone, in every state (issue #16: within 200 ms): the real `dapr-secrets`
command (tui/cli.py `entry`) in a pseudo-terminal of 120x36, the key typed into that terminal, timed
from just before it is typed to the child's exit (what a user waits for: Textual's driver reading the
key, the app's shutdown, restoring the terminal, the process ending).

States: idle on the demo; a help screen open (there `q` goes back, so ctrl+c); a Vault call hung (the server answers after a minute);
100,000 names loading; 1,000,000 names loading (the file still being decoded). Median of 3 each.

Why a terminal and not Textual's Pilot: `Pilot.press` waits until the whole process is idle (its
`wait_for_idle` compares process CPU time with wall time), so while a worker thread decodes a file it
waited for the decode to end before the app's shutdown could start: that measured the Pilot, not
quitting (issue #16 session 3).

Run: .venv/bin/python benchmarks/bench_quit.py   (writes benchmarks/results/quit.md)
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import textwrap
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import bench_million  # noqa: E402
import bench_tui  # noqa: E402

from tests.fakes.vault_fault import VaultFault  # noqa: E402

RUNS = 3
TARGET = 0.200
SIZE = (36, 120)  # rows, columns
KEYS = {"q": b"q", "ctrl+c": b"\x03", "question_mark": b"?"}

# The `dapr-secrets` command itself; the only addition is a line on a pipe once the app is up (an
# auto-pilot that does nothing else), so that the key is not typed before the app can read it.
CHILD = textwrap.dedent(
    """
    import os, sys
    from dapr_secrets.backends.vault.store import VaultStore
    from dapr_secrets.tui import app, cli

    VaultStore.timeout = 3600  # a store call that only ends when the server answers
    up = int(sys.argv[1])
    run = app.DaprSecretsApp.run

    async def say_up(pilot):
        os.write(up, b"up\\n")

    app.DaprSecretsApp.run = lambda self, **kwargs: run(self, auto_pilot=say_up, **kwargs)
    sys.argv = ["dapr-secrets", "--clipboard", "off", *sys.argv[2:]]
    cli.entry()
    """
)


BARE = textwrap.dedent(
    """
    import os, sys
    from textual.app import App
    from textual.widgets import Label

    class Bare(App):
        BINDINGS = [("q", "quit", "Quit")]

        def compose(self):
            yield Label("hello")

    up = int(sys.argv[1])

    async def say_up(pilot):
        os.write(up, b"up\\n")

    Bare().run(auto_pilot=say_up)
    os._exit(0)  # like ours: no interpreter teardown
    """
)


NOTE = (
    "How: each row starts the real command in a pseudo-terminal and types the key into it, as a user does. "
    "Until session 3 of issue #16 the key was sent through Textual's `Pilot.press`, which waits for the "
    "whole process to be idle (CPU time against wall time): while a worker thread decoded a 1,000,000-name "
    "file it held the shutdown back until the decode's CPU burst ended (the 416 ms measured then). In a "
    "terminal every state took about what the bare app takes (first row): Textual's input thread looks at "
    "its exit flag only every 0.1 s and then waits 0.1 s more for nothing, and quitting joins it. The app's "
    "driver (tui/terminal_driver.py) wakes that thread through a pipe when the flag is set; the same bare "
    "app with the thread polling every 10 ms instead quit in 26 ms. Also: the `dapr-secrets` command ends "
    "without the interpreter's teardown (tui/cli.py `entry`), and workers run in daemon threads that "
    "quitting never waits for (tui/threads.py)."
)


def quit_latency(folder: Path | None, wait: float, before: tuple[str, ...] = (), key: str = "q") -> float:
    """Start the app on `folder` in a terminal, type `before`, wait `wait` seconds after it is up,
    type `key`: seconds to exit."""
    up_read, up_write = os.pipe()
    code = CHILD if folder is not None else BARE
    argv = [sys.executable, "-c", code, str(up_write)] + (["--resources-path", str(folder)] if folder is not None else [])
    pid, terminal = pty.fork()
    if pid == 0:  # the child: a terminal of SIZE, the pipe to say it is up
        try:
            os.close(up_read)
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", *SIZE, 0, 0))
            os.set_inheritable(up_write, True)
            os.chdir(ROOT)
            os.execve(sys.executable, argv, {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"})
        finally:
            os._exit(127)
    os.close(up_write)
    drain = threading.Thread(target=_drain, args=(terminal,), daemon=True)  # the app must never block writing
    drain.start()
    try:
        ready, _, _ = select.select([up_read], [], [], 60)
        assert ready and os.read(up_read, 16).startswith(b"up"), "the app did not start"
        for name in before:
            os.write(terminal, KEYS[name])
            time.sleep(0.5)
        time.sleep(wait)
        pressed = time.monotonic()
        os.write(terminal, KEYS[key])
        _, status = os.waitpid(pid, 0)
        elapsed = time.monotonic() - pressed
        assert os.WIFEXITED(status), status
        return elapsed
    finally:
        os.close(up_read)
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):  # already gone: the usual case
            pass
        drain.join(5)
        os.close(terminal)


def _drain(terminal: int) -> None:
    try:
        while os.read(terminal, 65536):
            pass
    except OSError:  # EIO: the child's side of the terminal closed
        pass


def _verdict(label: str, seconds: float) -> str:
    if label.startswith("baseline"):
        return "(Textual's own driver: the floor this session removed)"
    return "met" if seconds <= TARGET else "**not met**"


def median_latency(folder: Path | None, wait: float, before: tuple[str, ...] = (), key: str = "q") -> float:
    return statistics.median(quit_latency(folder, wait, before, key) for _ in range(RUNS))


def main() -> int:
    rows: list[tuple[str, float]] = []
    demo = ROOT / "examples" / "components"
    rows.append(("baseline: a bare Textual app showing one label, idle", median_latency(None, 1.0)))
    rows.append(("idle, on the demo (examples/components), everything loaded", median_latency(demo, 2.0)))
    # On a screen over the main one `q` goes back (by design, like Esc); ctrl+c quits from anywhere.
    rows.append(("help screen open (`?`), ctrl+c", median_latency(demo, 2.0, ("question_mark",), "ctrl+c")))
    with tempfile.TemporaryDirectory() as tmp, VaultFault({"dapr/db": {"k": "v"}}, delay=60) as vault:
        hung = Path(tmp) / "hung" / "components"
        hung.mkdir(parents=True)
        (hung / "vault.yaml").write_text(
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: vault\nspec:\n"
            f"  type: secretstores.hashicorp.vault\n  version: v1\n  metadata:\n  - name: vaultAddr\n    value: {vault.url}\n"
            "  - name: vaultToken\n    value: root\n"
        )
        rows.append(("a Vault call hung (no answer for a minute)", median_latency(hung, 1.0)))
        big = Path(tmp) / "big"
        big.mkdir()
        bench_tui.write_store(big, "grouped")
        rows.append(("100,000 names loading (0.3 s after start)", median_latency(big / "components", 0.3)))
        million = Path(tmp) / "million"
        million.mkdir()
        bench_million.write_store(million)
        rows.append(("1,000,000 names loading (0.1 s after start: the file being read and decoded)",
                     median_latency(million / "components", 0.1)))
        rows.append(("1,000,000 names loading (1.5 s after start: names arriving)", median_latency(million / "components", 1.5)))
    table = "".join(
        f"| {label} | {seconds * 1000:,.0f} ms | {_verdict(label, seconds)} |\n" for label, seconds in rows
    )
    text = (
        "## `q` to exit, in every state (issue #16)\n\n"
        "The real `dapr-secrets` command in a pseudo-terminal of 120x36; the key typed into that terminal; timed "
        f"from just before typing to the process gone (terminal restored, process ended); median of {RUNS}. The "
        "first row is the floor on this machine at this moment (the same key to a bare Textual app).\n\n"
        f"| state | q to exit | target <= {TARGET * 1000:.0f} ms |\n|---|---|---|\n{table}\n"
        f"{NOTE}\n"
    )
    print(text)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "quit.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
