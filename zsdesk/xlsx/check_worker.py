"""A project import checked on the other core: a helper process reads the file and checks its rows while
the import writes the rows already checked (issue 20).

An import is Python from end to end — reading the sheet, checking each row against the ledger, writing —
and one Python process runs it on one core. The helper (``python -m zsdesk.xlsx.check_worker``) is started
ahead, when the import dialog opens, so that its ~2 s of imports are paid while the clerk picks a file. For
a real import of project rows into a ledger file it reads the file and checks each row — its match in the
ledger, its cells, the duplicate hints (``ProjectReader.plan``), the window's rules (``validate_plans``) —
exactly as the import in one process does, and sends the checked rows in chunks; the import writes each
batch as it comes (``importer._import_beside``).

What keeps it the same import:

- **The same state.** The import takes the ledger's writer lock *before* it sends the job, so nobody can
  commit until it ends; the helper reads the file through its own read-only connection, which therefore
  sees exactly what the import's transaction sees.
- **Every row or none.** The rows are written inside the import's one operation; a problem anywhere, a
  cancel, an error or a helper that dies rolls the whole operation back, as before.
- **The same report.** The helper's problems, notes, hints and changes are the check's own; the import adds
  the reading's and sorts them as the one-process check does (tests/xlsx/test_import_beside.py compares
  reports and ledgers).

**Read ahead.** The dialog also names the ledger (``ReadAhead``): once ready, the helper reads every stored
project and folds the look-ups a check builds for the file's investors (``stored_projects``), while the clerk
picks the file — a ledger file through its own read-only connection, a shared ledger as the window's login in
a snapshot of its own. A job takes them only when nothing has been committed to the ledger since; a job that
comes first is not kept waiting (the read-ahead gives way). They are dropped after each job, once the helper
has been idle ``IDLE_AFTER``; the collector, off since the job began, walks the job's objects then. Done at once,
the two took ~0.2 s of CPU right when the import ends (its audit rows, text index and commit), on the core the
import's end needs (issue 20).

**Checked as read.** With the look-ups read ahead, a row's check needs no other row of the file: the helper
checks each row as soon as it is read (``reader.TableReading``), and the first checked rows reach the import
~0.15 s sooner — before the file has been read to its end. On a shared ledger that is when the server starts
writing, the longer part of its import from then on: 5,000 rows into the 100k ledger, alternated 6 and 6 in one
process, 1.52 → 1.28 s (on a ledger file, whose import waits for this check whichever way it reads, 1.00 → 0.99 s).
The reading's own problems and notes (a formula with no saved result, a totals row) and the rows' count come
with the ``done`` frame; any problem stops the writing as before, and the import rolls back.

The frames on the pipes are pickles, each behind its length; only this package's own processes exchange
them. A helper reads jobs until its input closes, so it ends with the program that started it.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..beside_reading import CannotSignIn, Server, helper_session
from ..board.aggregates import funds_for
from ..board.beside import FundsHalf, FundsJob
from ..errors import LedgerError

if TYPE_CHECKING:
    from ..ledger import Ledger

log = logging.getLogger("zsdesk.import")

CHUNK = 500  # rows planned between two frames: the import's next batch, the progress bar and cancel
# The first frame after this many rows: the import starts writing while the helper checks on (5,000 rows into the
# 100k ledger file, alternated 6×: ~0.03-0.04 s sooner, 5 runs of 6 faster, one the same)
FIRST_CHUNK = 100
_HEADER = struct.Struct("<Q")
_POLL_S = 0.2  # how often the import looks at cancel and at the helper while it waits for a frame


class WorkerGone(LedgerError):
    """The helper ended before answering (killed, out of memory): nothing was written."""


@dataclass
class Job:
    ledger: str  # the ledger file; empty for a shared ledger (``server``)
    path: str  # the xlsx file
    aliases: dict[tuple[str, str], str] = field(default_factory=dict)
    server: Server | None = None


@dataclass
class ReadAhead:
    """Read the ledger's stored projects ahead of the next job (``stored_projects``), dropping any read before;
    ``ledger`` empty: only drop them (and close the ledger file). With ``answer`` the helper says
    ``("read ahead", done)`` when it has."""

    ledger: str
    answer: bool = False
    server: Server | None = None  # a shared ledger's login (``ledger`` empty), read in the helper's own snapshot


def read_ahead_source(ledger: Ledger) -> Path | Server | None:
    """What the helper reads ahead for ``ledger``'s next import: its file, or a shared ledger's login (no
    snapshot: the helper takes its own); None for a read-only opening, which imports nothing."""
    if ledger.read_only_reason is not None:
        return None
    if ledger.path is not None:
        return ledger.path
    if ledger.engine.dialect.name != "postgresql":
        return None
    from sqlalchemy.exc import SQLAlchemyError  # local: the program that only starts a helper does not load it

    try:
        return Server.login_of(ledger.engine)
    except SQLAlchemyError as err:  # only a head start: the import reads what it needs when the file comes
        log.warning("no read-ahead for the import: %s", str(err).splitlines()[0] if str(err) else type(err).__name__)
        return None


# --- the import's side ------------------------------------------------------------------------------

class CheckWorker:
    """The one helper process of this program, started with :meth:`start` and used by one import at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one job at a time; start() from the window's thread, jobs from a worker
        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = False
        self._exit_hook = False

    def start(self, ledger: Path | Server | None = None) -> None:
        """Start the helper unless it runs (returns at once; it gets ready on the other core) and, given the
        ``ledger`` file or a shared ledger's login (``read_ahead_source``), have it read the ledger's stored
        projects ahead of the next job. Never waits: while an import uses the helper, it is running."""

        def step() -> None:
            self._start_locked()
            if ledger is not None:
                self._read_ahead(ledger, answer=False)
        self._unless_busy(step)

    def forget(self) -> None:
        """Have a running helper drop what it read ahead and close the ledger file (the import dialog closed
        without an import: a file held open could not be replaced by a restore on every system). Never waits:
        a running import's helper drops it when the import ends."""

        def step() -> None:
            if self._proc is not None and self._proc.poll() is None:
                self._read_ahead(None, answer=False)
        self._unless_busy(step)

    def _unless_busy(self, step: Callable[[], None]) -> None:
        """``step`` under the lock, unless an import holds it (never waits); a helper found dead is stopped, and
        the next job starts another."""
        if self._lock.acquire(blocking=False):
            try:
                step()
            except OSError:
                self._stop_locked(at_once=True)
            finally:
                self._lock.release()

    def _read_ahead(self, ledger: Path | Server | None, answer: bool) -> None:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        if isinstance(ledger, Server):
            _send(proc.stdin, ReadAhead("", answer, ledger))
        else:
            _send(proc.stdin, ReadAhead("" if ledger is None else str(ledger), answer))

    def _start_locked(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p))
        self._proc = subprocess.Popen(helper_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
                                      env=env, close_fds=True, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        self._ready = False
        if not self._exit_hook:
            atexit.register(self.stop)
            self._exit_hook = True

    def wait_ready(self, ledger: Path | Server | None = None) -> bool:
        """Start the helper if needed and wait until it can take a job — given ``ledger``, until it has read
        the ledger's stored projects ahead too (the bench measures an import in a window whose import dialog
        has been open a while; the window itself only starts it). Returns whether that read ahead was done."""
        with self._lock:
            self._start_locked()
            self._await_ready(None)
            if ledger is None:
                return False
            proc = self._proc
            assert proc is not None
            with _gone_if_broken():
                self._read_ahead(ledger, answer=True)
                frame = _receive(proc, None)
            return frame == ("read ahead", True)

    def _await_ready(self, cancel: Callable[[], bool] | None) -> None:
        proc = self._proc
        assert proc is not None
        if not self._ready:
            if _receive(proc, cancel)[0] != "ready":
                raise WorkerGone("检查导入文件的后台进程没有正常启动，没有写入任何数据，请重试。")
            self._ready = True

    @property
    def started(self) -> bool:
        return self._proc is not None

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def _stop_locked(self, at_once: bool = False) -> None:
        """End the helper: idle, it ends at the end of its input; busy with a job nobody waits for any more
        (``at_once``), it is killed — it only ever reads."""
        proc, self._proc, self._ready = self._proc, None, False
        if proc is None:
            return
        if at_once:
            proc.kill()
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    @contextmanager
    def job(self, job: Job, cancel: Callable[[], bool] | None = None) -> Iterator[Callable[[], tuple[Any, ...]]]:
        """Send ``job``; yields ``receive()``, which returns the helper's next frame (a tuple, first item its
        kind). A frame ``("error", message)`` is raised as a ``LedgerError``; a helper that dies raises
        ``WorkerGone``; ``cancel()`` true kills the helper (and starts a new one) and raises ``ExportCancelled``.
        Leaving before ``("done", …)`` kills the helper too: its rest of the job is not wanted."""
        from .workbook import ExportCancelled  # local: the import dialog loads this module only to start the helper

        with self._lock:
            self._start_locked()
            proc = self._proc
            assert proc is not None and proc.stdin is not None and proc.stdout is not None
            finished = False
            try:
                with _gone_if_broken():
                    self._await_ready(cancel)
                    _send(proc.stdin, job)

                def receive() -> tuple[Any, ...]:
                    nonlocal finished
                    with _gone_if_broken():
                        frame = _receive(proc, cancel)
                    if frame[0] in ("error", "cannot sign in"):
                        finished = True
                        raise (LedgerError if frame[0] == "error" else CannotSignIn)(frame[1])
                    if frame[0] == "crash":
                        finished = True
                        log.error("import check helper failed:\n%s", frame[1])
                        raise LedgerError("检查导入文件时出错，没有写入任何数据。详细情况已记入日志。")
                    finished = frame[0] == "done"
                    return frame

                yield receive
            except _Cancelled:
                self._stop_locked(at_once=True)
                self._start_locked()
                raise ExportCancelled("已取消导入，没有写入任何数据。") from None
            except WorkerGone:
                self._stop_locked(at_once=True)
                self._start_locked()
                raise
            finally:
                if not finished and self._proc is proc:  # left half-way (an error in the import itself)
                    self._stop_locked(at_once=True)
                    self._start_locked()

    @contextmanager
    def board_funds(self, job: FundsJob) -> Iterator[Callable[[], FundsHalf] | None]:
        """A board's funds half computed by the helper (``zsdesk.board.beside``): yields how to receive it, or None
        at once when the helper cannot take it now — not started (it is started for the next board), not ready
        yet, or busy with an import. ``receive()`` raises when the helper failed or died (a new one is started)."""
        if not self._lock.acquire(blocking=False):
            yield None
            return
        proc = self._proc
        finished = False
        try:
            if proc is None or proc.poll() is not None or proc.stdin is None or proc.stdout is None:
                self._start_locked()
                finished = True
                yield None
                return
            if not self._ready:
                if not select.select([proc.stdout.fileno()], [], [], 0)[0]:
                    finished = True
                    yield None
                    return
                with _gone_if_broken():
                    self._await_ready(None)
            with _gone_if_broken():
                _send(proc.stdin, job)

            def receive() -> FundsHalf:
                nonlocal finished
                with _gone_if_broken():
                    frame = _receive(proc, None)
                finished = True
                if frame[0] != "board funds":
                    raise LedgerError(f"helper answered {frame[0]}: {frame[1] if len(frame) > 1 else ''}")
                half: FundsHalf = frame[1]
                return half

            yield receive
        except WorkerGone:
            finished = False
            raise
        finally:
            try:
                if not finished and self._proc is proc:  # left before the answer, or the helper is gone
                    self._stop_locked(at_once=True)
                    self._start_locked()
            finally:
                self._lock.release()


HELPER_ARGUMENT = "--import-check-helper"
# After a job the helper waits this long for the next message before it drops what it read ahead and collects
# the job's garbage (~0.2 s of CPU): meanwhile the import ends — its audit rows, its text index, its commit — and
# should have both cores.
IDLE_AFTER = 1.0  # seconds


def helper_command() -> list[str]:
    """How to start the helper: this Python with this module; in the bundled program (installer/zsdesk.spec,
    no Python beside it) its console twin ``zsdesk-cli`` with ``HELPER_ARGUMENT`` (installer/zsdesk_cli.py)."""
    if getattr(sys, "frozen", False):
        cli = Path(sys.executable).with_name("zsdesk-cli.exe" if os.name == "nt" else "zsdesk-cli")
        return [str(cli), HELPER_ARGUMENT]
    return [sys.executable, "-m", "zsdesk.xlsx.check_worker"]


class _Cancelled(Exception):
    pass


_GONE = "检查导入文件的后台进程意外退出，没有写入任何数据，请重试。"


@contextmanager
def _gone_if_broken() -> Iterator[None]:
    """A broken pipe or a torn frame is the helper gone (only these: an error of the import's own is its own)."""
    try:
        yield
    except (OSError, EOFError, pickle.UnpicklingError) as err:
        raise WorkerGone(_GONE) from err


def _frame(obj: Any) -> bytes:
    """One frame on a pipe: the pickle behind its length."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _send(stream: IO[bytes], obj: Any) -> None:
    stream.write(_frame(obj))
    stream.flush()


def _receive(proc: subprocess.Popen[bytes], cancel: Callable[[], bool] | None) -> tuple[Any, ...]:
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    size = _HEADER.unpack(_read(fd, _HEADER.size, proc, cancel))[0]
    frame: tuple[Any, ...] = pickle.loads(_read(fd, size, proc, cancel))
    return frame


def _read(fd: int, size: int, proc: subprocess.Popen[bytes], cancel: Callable[[], bool] | None) -> bytes:
    """``size`` bytes from the helper's output; looks at ``cancel`` and at the helper while none come."""
    parts: list[bytes] = []
    left = size
    while left:
        ready, _, _ = select.select([fd], [], [], _POLL_S)
        if not ready:
            if cancel is not None and cancel():
                raise _Cancelled
            if proc.poll() is not None:
                raise WorkerGone(_GONE)
            continue
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise WorkerGone(_GONE)
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


WORKER = CheckWorker()


# --- the helper's side -------------------------------------------------------------------------------

def check_job(job: Job, send: Callable[[tuple[Any, ...]], None], stored: Any = None) -> None:
    """Read ``job.path`` and check its project rows against ``job.ledger`` (read-only) as the import in one
    process does — each row planned (``ProjectReader.plan``), then validated (``validate_plans``) — sending
    ``("table", table without its rows, rows)``; ``("spellings", …, their stored projects or None)``, the file's
    investors as the ledger spells them, once known, with their stored projects when read ahead; ``("plans",
    checked plans, problems so far, rows done, rows)`` after ``FIRST_CHUNK`` rows and every ``CHUNK`` rows; and
    ``("done", report, table without its rows, rows)`` with every problem, note, hint and count of the check and
    the reading. ``stored``: the ledger's stored projects read ahead (``stored_projects.StoredProjects``), taken
    when nothing has been committed since (``Lookups.adopt``).

    With them, the rows are checked as they are read (``TableReading``, "Checked as read" above): the table
    frame's ``rows`` is then the sheet's row count (an upper bound of the data rows: the ids the import draws
    ahead), each chunk's investors' stored spellings go before its plans, and the ``done`` frame has the rows'
    count and what only the whole sheet's reading finds. Without them, the look-ups are read for the whole
    file's investors at once, so the file is read first, as in one process."""
    # local: the import dialog loads this module only to start the helper; the checking machinery is the helper's
    from .reader import TableReading
    from .row_checks import count_plans
    from .rows_base import Context, ImportReport, collector_paused
    from .rows_projects import ProjectReader

    with collector_paused(), TableReading(job.path, "projects") as reading:
        table = reading.table
        # The import holds the writer lock before it sends the job: nobody commits until the check ends.
        if stored is not None and job.server is None and not stored.fresh(job.ledger):
            stored = None
        with helper_session(job.ledger, job.server) as session:  # what the import sees: it holds the lock
            if stored is not None and job.server is not None and not stored.fresh(job.server.url, session):
                stored = None  # a shared ledger: read in another snapshot than the import's
            streaming = stored is not None
            rows: Iterable[tuple[int, dict[str, Any]]] = reading if streaming else list(reading)
            total = reading.total if streaming else len(table.rows)
            send(("table", replace(table, rows=[]), total))
            if not streaming and not table.rows:
                send(("done", None, replace(table, rows=[]), 0))
                return
            report = ImportReport("projects", job.path)
            ctx = Context(session, table, report, job.aliases or None)
            if stored is not None:
                ctx.lookups.adopt(stored)
            reader = ProjectReader()
            cleaned: list[str] = []  # after every plan's notes, as in one process
            plans: list[Any] = []
            chunk: list[Any] = []
            read: list[dict[str, Any]] = []  # the rows of the chunk: their investors' spellings go before it
            sent: set[str] = set()
            i = 0
            for i, (number, row) in enumerate(rows, 1):
                plan = reader.plan(ctx, number, row)
                if i == 1 and reader.index is not None and not streaming:
                    # Read ahead, their stored projects too: the import need not read them (~0.2 s of it).
                    send(("spellings", reader.index.spellings, None))
                if plan is not None:
                    chunk.append(plan)
                read.append(row)
                if i % CHUNK == 0 or i == FIRST_CHUNK or (not streaming and i == len(table.rows)):
                    _send_chunk(ctx, reader, chunk, read, cleaned, stored, sent, send, i, total)
                    plans += chunk
                    chunk, read = [], []
            if streaming and read:
                _send_chunk(ctx, reader, chunk, read, cleaned, stored, sent, send, i, total)
                plans += chunk
            reader.finish(ctx, plans)  # ProjectReader's is empty: nothing in it needs every row
            report.notes += cleaned
            count_plans(report, plans)
            send(("done", report, replace(table, rows=[]), len(table.rows)))


def _send_chunk(ctx: Any, reader: Any, chunk: list[Any], read: list[dict[str, Any]], cleaned: list[str],
                stored: Any, sent: set[str], send: Callable[[tuple[Any, ...]], None], done: int, total: int) -> None:
    """``check_job``'s chunk: its plans validated and sent, with the problems so far (the reading's too: any one
    and the import writes no more). Checked as read (``stored``): first the stored spellings of the chunk's
    investors that no chunk before had, with their stored projects, for the import's same-name rule."""
    from .row_checks import validate_plans  # local: as in check_job
    from .rows_projects import file_investors

    validate_plans(ctx, reader, chunk, cleaned)
    if stored is not None:
        new = stored.spellings_of(*file_investors(read)) - sent
        if new:
            sent |= new
            spellings = sorted(new)
            send(("spellings", spellings, stored.rows_of(spellings)))
    send(("plans", chunk, len(ctx.report.problems) + len(ctx.table.problems), done, total))


def serve(inp: IO[bytes], out: IO[bytes]) -> None:
    """The helper's loop: one message after another until its input ends — a ``Job`` is checked, a
    ``ReadAhead`` reads the ledger's stored projects for the next job (given up as soon as a message waits).

    The frames are written by a thread of their own: a pipe holds 64 KiB, a chunk's plans ~200 KiB, and the
    check must not wait while the import writes a batch instead of reading (it did: 5,000 rows, 0.4 s)."""
    # local: as in check_job
    from .rows_base import collector_paused
    from .stored_projects import read_stored, read_stored_server

    outgoing: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def write() -> None:
        while (data := outgoing.get()) is not None:
            try:
                out.write(data)
                out.flush()
            except OSError:  # the import is gone (killed, or it gave up on this job): so is its helper
                os._exit(0)

    def send(frame: tuple[Any, ...]) -> None:
        outgoing.put(_frame(frame))

    def waiting() -> bool:
        return bool(select.select([inp], [], [], 0)[0])

    writer = threading.Thread(target=write, name="zsdesk-check-frames", daemon=True)
    writer.start()
    stored: Any = None
    spent = False  # ``stored`` was read for a job that has ended: dropped once the helper is idle
    untidy = False  # since a job, the collector is off: on again, and collecting, once the helper is idle

    def drop() -> None:
        nonlocal stored, spent
        if stored is not None:
            stored.close()
        stored, spent = None, False

    try:
        send(("ready",))
        while True:
            if untidy and not select.select([inp], [], [], IDLE_AFTER)[0]:
                # Nothing came: the import has ended. The last job's read-ahead (~0.5 million objects) is freed and
                # the collector walks what the job made now, while nobody waits, not beside the import's end.
                if spent:
                    drop()
                gc.enable()
                gc.collect()
                untidy = False
                continue
            head = _read_exactly(inp, _HEADER.size)
            if len(head) < _HEADER.size:
                return
            message: Job | ReadAhead | FundsJob = pickle.loads(_read_exactly(inp, _HEADER.unpack(head)[0]))
            if isinstance(message, FundsJob):  # a board's funds half: reads only, what was read ahead stays
                try:
                    send(("board funds", funds_for(message)))
                except CannotSignIn as err:
                    send(("cannot sign in", str(err)))
                except Exception:  # noqa: BLE001 - any failure: the board computes the half itself, and logs it
                    send(("crash", traceback.format_exc()))
                continue
            if spent or isinstance(message, ReadAhead):
                drop()  # what was read for the last job, or what a new read-ahead replaces
            if isinstance(message, ReadAhead):
                try:
                    if not message.ledger and message.server is None:
                        continue
                    with collector_paused():  # ~0.5 million objects that live on: no collection walks them (2×)
                        if message.server is not None:
                            stored = read_stored_server(message.server, waiting)
                        else:
                            stored = read_stored(message.ledger, waiting)
                except Exception:  # noqa: BLE001 - only a head start: the next job reads what it needs itself
                    log.warning("reading the ledger ahead of an import failed:\n%s", traceback.format_exc())
                if message.answer:
                    send(("read ahead", stored is not None))
                continue
            gc.disable()  # its end would set the collector walking the job's objects at once (see IDLE_AFTER)
            try:
                check_job(message, send, stored)
            except CannotSignIn as err:
                send(("cannot sign in", str(err)))
            except LedgerError as err:
                send(("error", str(err)))
            except Exception:  # noqa: BLE001 - any bug: told to the import (which logs it), the helper goes on
                send(("crash", traceback.format_exc()))
            finally:  # read for one job: the import it checked has changed the ledger (or rolled back)
                spent = untidy = True
    finally:
        outgoing.put(None)
        writer.join(timeout=5)


def _read_exactly(inp: IO[bytes], size: int) -> bytes:
    """``size`` bytes of the helper's input (fewer only at its end): it is read unbuffered, so that a message
    waiting is seen by ``select`` rather than hidden in a buffer."""
    parts: list[bytes] = []
    left = size
    while left:
        chunk = inp.read(left)
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def main() -> None:
    # Ctrl+C in the terminal that started the window reaches its whole process group: the window decides, and
    # the helper ends with its input.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The frames go to the real standard output alone; anything printed goes to standard error.
    out = sys.stdout.buffer
    sys.stdout = sys.stderr
    # Everything an import's check uses, imported now: the first job then starts at once.
    from ..board import aggregates  # noqa: F401  - and a board's funds half
    from . import reader, rows_projects  # noqa: F401
    serve(getattr(sys.stdin.buffer, "raw", sys.stdin.buffer), out)  # unbuffered: serve's select sees a message


if __name__ == "__main__":
    # Run as ``python -m``, this file is ``__main__``: the loop runs in the package's own module, whose classes
    # the import's pickles name (``isinstance(message, ReadAhead)``).
    from zsdesk.xlsx.check_worker import main as package_main

    package_main()
