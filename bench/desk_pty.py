"""Run a terminal program in a pseudo-terminal and watch what it writes, byte by byte.

Used by the desk benchmark to time the first paint, count the bytes sent to
the terminal (what an SSH link carries) and read the child's peak memory.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import struct
import time
from dataclasses import dataclass, field


@dataclass
class Chunk:
    at: float  # seconds since spawn
    data: bytes


@dataclass
class PtyRun:
    pid: int
    fd: int
    started: float
    chunks: list[Chunk] = field(default_factory=list)

    @property
    def output(self) -> bytes:
        return b"".join(c.data for c in self.chunks)

    def bytes_since(self, moment: float) -> int:
        return sum(len(c.data) for c in self.chunks if c.at >= moment)

    def read_for(self, seconds: float) -> None:
        """Collect output for ``seconds``."""
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            self._read_once(left)

    def read_until(self, needle: bytes, timeout: float = 30.0) -> float:
        """Collect output until ``needle`` has appeared after now; return when (since spawn)."""
        start_len = len(self.output)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self._read_once(deadline - time.perf_counter())
            if needle in self.output[max(0, start_len - len(needle)):]:
                return self.chunks[-1].at
        raise TimeoutError(f"{needle!r} did not appear within {timeout} s")

    def read_until_quiet(self, quiet: float = 0.15, timeout: float = 30.0) -> float:
        """Collect until nothing arrives for ``quiet`` s; return when the last byte came."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if not self._read_once(quiet):
                break
        return self.chunks[-1].at if self.chunks else 0.0

    def _read_once(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False
        if data:
            self.chunks.append(Chunk(time.perf_counter() - self.started, data))
        return bool(data)

    def send(self, keys: str | bytes) -> float:
        """Type ``keys``; return the moment (since spawn) they were sent."""
        os.write(self.fd, keys.encode() if isinstance(keys, str) else keys)
        return time.perf_counter() - self.started

    def stop(self) -> int:
        """End the child; return its peak resident memory in kB (from wait4's rusage)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            self._read_once(0.05)
            pid, _status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return usage.ru_maxrss
        os.kill(self.pid, signal.SIGKILL)
        _pid, _status, usage = os.wait4(self.pid, 0)
        os.close(self.fd)
        return usage.ru_maxrss


def spawn(argv: list[str], *, cols: int = 80, rows: int = 24,
          env: dict[str, str] | None = None) -> PtyRun:
    """Start ``argv`` on a new pseudo-terminal of ``cols``×``rows``."""
    import fcntl
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # child: size the terminal before the program reads it
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvpe(argv[0], argv, env or dict(os.environ))
    return PtyRun(pid=pid, fd=fd, started=time.perf_counter())
