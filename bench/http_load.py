"""Requests per second over HTTP: gunicorn (2 sync workers, as deployed) serving the bench database, and a
bounded load loop of two clients (threads, one connection per request: sync workers close it after each
answer). Every page is measured in the same run as the bare view, so the ratio holds on any machine."""

import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 2
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(database_url: str):
    """A gunicorn serving the bench settings on a free port; yields the port, stops it afterwards."""
    port = _free_port()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "DJANGO_READ_DOT_ENV": "0",
    }  # REDIS_URL passes through: with it the cache (sessions, rate limits) is Redis, as in production
    command = [sys.executable, "-m", "gunicorn", "linke.wsgi:application", "--workers", str(WORKERS)]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 (our own interpreter and arguments)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if _get(port, "/bench/bare/", {}) == 200:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def load(port: int, path: str, headers: dict, seconds: float = 2.0) -> dict:
    """CLIENTS threads request `path` for `seconds` (after a warm-up that lets each worker compile its
    templates); requests per second, latency median and p95, and how many answers were not 200."""
    for _ in range(10 * WORKERS):
        _get(port, path, headers)
    latencies, failures = [], []
    stop = time.monotonic() + seconds

    def client():
        while time.monotonic() < stop:
            start = time.perf_counter()
            status = _get(port, path, headers)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                failures.append(status)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "failures": len(failures),
    }


def report(port: int, pages: list[tuple[str, str]], headers: dict) -> None:
    """The bare view, then each (label, path) with its ratio to the bare view. The bare view is asked
    without the session cookie: the framework and the middleware, and no database."""
    bare = load(port, "/bench/bare/", {})
    title = f"HTTP, gunicorn {WORKERS} workers, {CLIENTS} clients"
    print(f"{title:<55} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}  of bare")
    print(f"{'  bare Django view (reference)':<55} {bare['rps']:8.0f} {bare['p50']:8.1f} {bare['p95']:8.1f}  100 %")
    for label, path in pages:
        result = load(port, path, headers)
        failed = f"  ({result['failures']} not 200!)" if result["failures"] else ""
        ratio = result["rps"] / bare["rps"] * 100
        print(f"  {label:<53} {result['rps']:8.0f} {result['p50']:8.1f} {result['p95']:8.1f}  {ratio:3.0f} %{failed}")
