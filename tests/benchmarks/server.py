"""Helpers of the server benchmark: gunicorn as in production, wrk, and timed single requests.

Nothing here is a test; tests/benchmarks/test_bench_server.py uses it.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from tests.smtp import free_port

WORKERS = 2
# collectstatic (hashing and compressing for whitenoise) takes ~40 s here: keep the
# result between runs and collect again only when a file under static/ is newer.
STATIC_ROOT = Path(tempfile.gettempdir()) / "handlingsplan-bench-static"


def database_url() -> str:
    """The test database (already created by pytest-django) as gunicorn must see it."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = db["NAME"]
        if not name or name == ":memory:" or "mode=memory" in str(name):
            raise RuntimeError("the server benchmark needs a file-based SQLite database")
        return f"sqlite:///{name}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def _collect_static(env: dict) -> None:
    manifest = STATIC_ROOT / "staticfiles.json"
    source = Path(settings.BASE_DIR, "static")
    newest = max(p.stat().st_mtime for p in source.rglob("*") if p.is_file())
    if manifest.exists() and manifest.stat().st_mtime > newest:
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=300,
    )


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    env: dict = field(repr=False)
    redis_url: str = ""
    key_prefix: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def clear_cache(self) -> None:
        """Empty the server's shared cache: only our own keys, the Redis may be shared."""
        if not self.redis_url:
            return
        import redis

        client = redis.Redis.from_url(self.redis_url)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
        client.close()


def redis_available(url: str) -> bool:
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        client.close()
        return True
    except Exception:  # noqa: BLE001 - any failure means: run without Redis
        return False


@contextmanager
def gunicorn(*, redis_url: str = "") -> Iterator[Server]:
    """gunicorn with 2 sync workers and the production switches (DEBUG=0, whitenoise).

    The cache is Redis when ``redis_url`` is given (as in docker-compose.yml), under a
    key prefix of this run; Celery stays eager (no broker), since nothing here writes.
    """
    port = free_port()
    prefix = f"hp-bench-{os.getpid()}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions made by the test process are signed so
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",  # no TLS proxy in front here
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": "",
        "CACHE_KEY_PREFIX": prefix,
        "STATIC_ROOT": str(STATIC_ROOT),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    _collect_static(env)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WORKERS),
                "--backlog",
                "256",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its workers
        )
        server = Server(
            base=f"http://127.0.0.1:{port}",
            process=process,
            env=env,
            redis_url=redis_url,
            key_prefix=prefix,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if get(server.url("/healthz")).status == 200:
                        break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"gunicorn did not start:\n{log.read().decode()[-3000:]}")
                time.sleep(0.2)
            yield server
        finally:
            server.clear_cache()
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    seconds: float


def get(url: str, headers: dict | None = None) -> Response:
    """One GET on a new connection (as wrk against gunicorn's sync workers), timed."""
    parts = urlsplit(url)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {}
        )
        response = connection.getresponse()
        body = response.read()
        return Response(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            body,
            time.perf_counter() - started,
        )
    finally:
        connection.close()


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # connect, read, write and timeout errors
    non_2xx_3xx: int
    tool: str


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def load(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int = 1,
    headers: dict | None = None,
    timeout: int = 5,
) -> Load:
    """Requests per second and latency at steady state: wrk, else a small Python generator."""
    if not wrk_available():
        return _python_load(url, seconds=seconds, connections=connections, headers=headers)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    errors = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors = sum(int(n) for n in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        p99_ms=_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        errors=errors,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        tool="wrk",
    )


def _python_load(url: str, *, seconds: int, connections: int, headers: dict | None) -> Load:
    """The fallback when wrk is missing: one thread per connection, a new TCP connection
    per request. It measures the same thing with more client overhead (the GIL)."""
    latencies: list[float] = []
    counts = {"errors": 0, "bad": 0}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        mine, errors, bad = [], 0, 0
        while time.perf_counter() < stop:
            try:
                response = get(url, headers)
            except OSError:
                errors += 1
                continue
            mine.append(response.seconds)
            bad += not 200 <= response.status < 400
        with lock:
            latencies.extend(mine)
            counts["errors"] += errors
            counts["bad"] += bad

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Load(
        rps=len(latencies) / elapsed,
        p50_ms=quantiles[49] * 1000,
        p99_ms=quantiles[98] * 1000,
        requests=len(latencies),
        errors=counts["errors"],
        non_2xx_3xx=counts["bad"],
        tool="python",
    )
