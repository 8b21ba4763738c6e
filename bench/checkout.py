"""Checkout benchmark on PostgreSQL (not run by the test suite).

    .venv/bin/python bench/checkout.py [--orders 300] [--attempts 200] [--units 10] [--workers 20]

Recreates its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ocop_bench6),
migrates it, then prints:
  1. complete checkouts per second, in-process, through the services the storefront calls (one thread, 4 threads,
     and one process per core as gunicorn workers would run):
     create (1 line) → add a 2nd line → address → home delivery → COD → complete;
  2. the oversell stress: N concurrent completions (a thread pool, one DB connection each) on the last K units
     → orders created, stock left, errors.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop_bench6")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ["REDIS_URL"] = ""  # eager tasks, local cache: measure the checkout, not a broker
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"


def recreate_database() -> None:
    import psycopg

    url = urlparse(DB_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--workers", type=int, default=20, help="threads (= DB connections) in the stress test")
    parser.add_argument("--threads", type=int, default=4, help="threads for the parallel throughput figure")
    parser.add_argument("--processes", type=int, default=2, help="processes for the multi-core throughput figure")
    args = parser.parse_args()

    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated {DB_URL.rsplit('/', 1)[-1]} in {time.perf_counter() - t0:.1f} s")

    from marketplace.checkout import services as checkout
    from marketplace.core.errors import DomainError
    from marketplace.geo.models import Commune, Province
    from marketplace.inventory.models import Reservation, Stock
    from marketplace.orders.models import Order
    from marketplace.payments import services as payments
    from tests.factories import ListedProductFactory, ProducerFactory

    producers = [ProducerFactory() for _ in range(3)]
    variants = [
        ListedProductFactory(producer=producers[i % 3], variant__stock=1_000_000).variants.get() for i in range(12)
    ]
    province = Province.objects.get(codename="ha_noi")
    commune = Commune.objects.filter(province=province).order_by("code").first()
    address = {
        "full_name": "Nguyễn Văn An",
        "phone": "0912345678",
        "province": province,
        "commune": commune,
        "street_address": "1 Tràng Tiền",
    }

    def one_order(i: int) -> Order:
        a, b = variants[i % 12], variants[(i + 5) % 12]
        c = checkout.create_checkout(email=f"bench{i}@example.com", lines=[(a.pk, 1)])
        checkout.add_lines(checkout=c, lines=[(b.pk, 2)])
        checkout.set_shipping_address(checkout=c, **address)
        checkout.set_delivery_method(checkout=c, delivery_method_id="home")
        payments.create_payment(checkout=c, gateway="COD")
        return checkout.complete_checkout(checkout=c)

    for i in range(20):  # warm-up
        one_order(-1 - i)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a live database has them
    n = args.orders
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n):
        one_order(i)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"1. complete checkouts, one thread: {n} orders in {elapsed:.2f} s = {n / elapsed:.1f} orders/s "
        f"({elapsed / n * 1000:.1f} ms each, {cpu / n * 1000:.1f} ms of it Python CPU; create, add line, address, "
        "delivery, COD, complete incl. the confirmation e-mail)"
    )

    def run_chunk(indexes) -> None:
        try:
            for i in indexes:
                one_order(i)
        finally:
            connection.close()

    k = args.threads
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=k) as pool:
        for f in [pool.submit(run_chunk, range(n + j, 2 * n, k)) for j in range(k)]:
            f.result()
    elapsed = time.perf_counter() - t0
    print(f"   same, {k} threads in one process: {n} orders in {elapsed:.2f} s = {n / elapsed:.1f} orders/s")

    # One Python process is bound by the GIL (~35 ms of CPU per order); production runs one gunicorn worker per
    # core. Measure that shape too: P forked processes, each with its own DB connection, sharing the work.
    p = args.processes
    connection.close()
    ctx = multiprocessing.get_context("fork")
    orders_before = Order.objects.count()
    connection.close()
    t0 = time.perf_counter()
    procs = [ctx.Process(target=run_chunk, args=(range(2 * n + j, 3 * n, p),)) for j in range(p)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - t0
    failed = [proc.exitcode for proc in procs if proc.exitcode]
    placed = Order.objects.count() - orders_before
    failed += [f"{placed} of {n} orders placed"] if placed != n else []
    print(
        f"   same, {p} processes (one per core, as gunicorn workers): {n} orders in {elapsed:.2f} s = "
        f"{n / elapsed:.1f} orders/s{' — FAILED: ' + str(failed) if failed else ''}"
    )
    print(f"   load average while measuring: {os.getloadavg()[0]:.1f} (2 cores shared with other work)")

    # 2. Oversell stress
    target = ListedProductFactory(variant__stock=args.attempts + 10).variants.get()
    carts = [
        checkout.create_checkout(email=f"stress{i}@example.com", lines=[(target.pk, 1)]) for i in range(args.attempts)
    ]
    for c in carts:
        checkout.set_shipping_address(checkout=c, **address)
        checkout.set_delivery_method(checkout=c, delivery_method_id="home")
        payments.create_payment(checkout=c, gateway="COD")
    Reservation.objects.filter(stock__variant=target).delete()  # holds expired; the last units are contested
    Stock.objects.filter(variant=target).update(quantity=args.units)
    connection.close()

    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Event()

    def attempt(c) -> None:
        start.wait()
        try:
            checkout.complete_checkout(checkout=c)
            result = "order"
        except DomainError as exc:
            result = exc.code
        except Exception as exc:  # noqa: BLE001 - counted and shown
            result = f"{exc.__class__.__name__}"
        with lock:
            outcomes.append(result)

    def worker(chunk) -> None:
        try:
            for c in chunk:
                attempt(c)
        finally:
            connection.close()

    chunks = [carts[i :: args.workers] for i in range(args.workers)]
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(worker, chunk) for chunk in chunks]
        t0 = time.perf_counter()
        start.set()
        for f in futures:
            f.result()
    elapsed = time.perf_counter() - t0
    stock = Stock.objects.get(variant=target)
    created = Order.objects.filter(lines__variant=target).distinct().count()
    summary = {k: outcomes.count(k) for k in sorted(set(outcomes))}
    print(
        f"2. oversell stress: {args.attempts} concurrent attempts ({args.workers} threads) on {args.units} units "
        f"in {elapsed:.2f} s → {created} orders created; stock quantity={stock.quantity}, "
        f"allocated={stock.quantity_allocated}, left={stock.quantity - stock.quantity_allocated}; outcomes {summary}"
    )
    assert created == args.units and stock.quantity_allocated == args.units, "OVERSOLD or undersold!"


if __name__ == "__main__":
    main()
