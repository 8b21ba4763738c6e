"""Benchmark the GS1 Digital Link resolver: gunicorn (2 sync workers) on loopback + wrk.

    .venv/bin/python bench/traceability_resolve.py [--duration 10] [--connections 32]

Needs PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379 and Debian's `wrk` (apt-get install -y wrk).
Uses its own database (BENCH_DATABASE_URL, default ocop_bench5) seeded with 10,000 lots, Redis DB 5 with its own
key prefix, RATELIMIT_ENABLE=0. Prints requests/s and p99 for: one warm lot page, random lots among 10,000,
invalid URIs (400), and a static file served by the same server (the ceiling).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOTS = 10_000
GTIN13 = "8938600777775"  # a valid GTIN-13 reserved for the bench


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_env(static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop_bench5"),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
        CACHE_KEY_PREFIX="bench5",
        SECRET_KEY="bench-only-secret-key-not-for-production",  # noqa: S106
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        RATELIMIT_ENABLE="0",
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="600",
        STATIC_ROOT=static_root,
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


SEED = f"""
import datetime
from django.utils import timezone
from marketplace.catalog.models import Certification, Product, ProductSet, ProductVariant
from marketplace.geo.models import Commune, Province
from marketplace.producers.models import Producer
from traceability.models import EventLot, Lot, TraceEvent, TraceLocation

if Lot.objects.filter(code__startswith="B").count() < {LOTS}:
    province = Province.objects.get(codename="thanh_hoa")
    producer, _ = Producer.objects.get_or_create(
        slug="bench-htx", defaults=dict(name="HTX Bench Thọ Xuân", name_folded="htx bench tho xuan", province=province,
        commune=Commune.objects.filter(province=province).first(), street_address="Thôn 1"))
    product, _ = Product.objects.get_or_create(
        registry_key="BENCH-1", defaults=dict(producer=producer, product_set=ProductSet.objects.get(number=9),
        name="Nước mắm Bench", slug="nuoc-mam-bench"))
    today = datetime.date.today()
    cert, _ = Certification.objects.get_or_create(product=product, decision_number="1/QĐ-BENCH", defaults=dict(
        stars=4, decision_date=today - datetime.timedelta(days=100), valid_until=today + datetime.timedelta(days=900)))
    Product.objects.filter(pk=product.pk).update(current_certification=cert)
    variant, _ = ProductVariant.objects.get_or_create(sku="BENCH-1", defaults=dict(product=product, gtin="{GTIN13}",
        name="chai 500 ml", price=100000))
    ProductVariant.objects.filter(pk=variant.pk).update(gtin="{GTIN13}")
    place, _ = TraceLocation.objects.get_or_create(name="Xưởng bench", defaults=dict(producer=producer))
    existing = set(Lot.objects.filter(variant=variant).values_list("code", flat=True))
    lots = [Lot(variant=variant, code=f"B{{i:05d}}", production_date=today, expiry_date=today + datetime.timedelta(days=365),
                quantity=100, standards=["VietGAP"], origin_site="Bench") for i in range(1, {LOTS} + 1)
            if f"B{{i:05d}}" not in existing]
    Lot.objects.bulk_create(lots, batch_size=2000)
    now = timezone.now()
    for start in range(0, len(lots), 2000):
        chunk = list(Lot.objects.filter(variant=variant, code__in=[l.code for l in lots[start:start + 2000]]))
        events = []
        for lot in chunk:
            for step, hours in (("commissioning", 0), ("packing", 5), ("shipping", 30)):
                events.append(TraceEvent(producer=producer, event_type="ObjectEvent", action="OBSERVE",
                    event_id=f"urn:uuid:bench-{{lot.pk}}-{{step}}", event_time=now + datetime.timedelta(hours=hours),
                    biz_step=step, read_point=place, biz_location=place))
        TraceEvent.objects.bulk_create(events, batch_size=2000)
        ids = dict(TraceEvent.objects.filter(event_id__in=[e.event_id for e in events]).values_list("event_id", "pk"))
        links = [EventLot(event_id=ids[f"urn:uuid:bench-{{lot.pk}}-{{step}}"], lot=lot)
                 for lot in chunk for step in ("commissioning", "packing", "shipping")]
        EventLot.objects.bulk_create(links, batch_size=2000)
ProductVariant.objects.filter(sku="BENCH-1").update(gtin="{GTIN13}")
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")  # fresh planner statistics after the bulk insert
print("lots:", Lot.objects.filter(code__startswith="B").count())
"""

RANDOM_LUA = """
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/01/0%s/10/B%05d", "{gtin}", math.random(1, {lots})))
end
"""


def run_wrk(url: str, duration: int, connections: int, script: str | None = None) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * factor, "non_2xx": int(non2xx.group(1)) if non2xx else 0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    static_root = tempfile.mkdtemp(prefix="ocop-bench-static-")
    env = bench_env(static_root)
    ensure_database(env["DATABASE_URL"])
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    started = time.perf_counter()
    subprocess.run([*manage, "shell", "--no-imports", "-c", SEED], env=env, check=True, cwd=ROOT)
    print(f"seeded in {time.perf_counter() - started:.1f} s")

    port = free_port()
    gunicorn = Path(PYTHON).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "marketplace.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        warm = f"{base}/01/0{GTIN13}/10/B00001"
        static_name = "admin/css/base.css"
        with urllib.request.urlopen(warm) as response:
            assert response.status == 200, response.status
        with urllib.request.urlopen(f"{base}/static/{static_name}") as response:
            assert response.status == 200
        lua = Path(static_root) / "random.lua"
        lua.write_text(RANDOM_LUA.replace("{gtin}", GTIN13).replace("{lots}", str(LOTS)))
        cases = [
            ("static file (ceiling)", f"{base}/static/{static_name}", None),
            ("warm lot page", warm, None),
            ("random lots of 10,000", base, str(lua)),
            ("invalid URI (400)", f"{base}/01/0{GTIN13[:-1]}3/10/B00001", None),
        ]
        results = {}
        for name, url, script in cases:
            results[name] = run_wrk(url, args.duration, args.connections, script)
        ceiling = results["static file (ceiling)"]["rps"]
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        print(
            f"\ngunicorn 2 sync workers, wrk -t2 -c{args.connections} -d{args.duration}s, same 2 cores; load avg {load}"
        )
        print(f"{'case':28} {'req/s':>9} {'p99 ms':>8} {'% static':>9} {'non-2xx':>8}")
        for name, figures in results.items():
            print(
                f"{name:28} {figures['rps']:9.0f} {figures['p99_ms']:8.1f} "
                f"{100 * figures['rps'] / ceiling:8.0f}% {figures['non_2xx']:8d}"
            )
        warm_figures = results["warm lot page"]
        ok = warm_figures["rps"] >= 1000 and warm_figures["p99_ms"] <= 50 and warm_figures["rps"] >= 0.25 * ceiling
        print(f"\ntarget (warm ≥ 1,000 req/s, p99 ≤ 50 ms, ≥ 25 % of static): {'met' if ok else 'NOT met'}")
        started = time.perf_counter()
        flushed = subprocess.run(
            [
                *manage,
                "shell",
                "--no-imports",
                "-c",
                "from traceability import services; print(services.flush_scan_buffer())",
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"buffered scans flushed into ScanLog: {flushed} in {time.perf_counter() - started:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
