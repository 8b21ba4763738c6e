"""Registry sync benchmark on PostgreSQL: a 20,000-row registry — full import, a no-op re-run, 1 % changed.

    .venv/bin/python bench/registry_sync.py [--rows 20000] [--db ocop_bench4]

Creates (if needed) and migrates its own database, empties the catalog there, then prints for each run:
seconds, rows/s, rows written (INSERT/UPDATE/DELETE row counts on catalog + producer tables) and peak RSS.
Targets: full ≤ 30 s, no-op ≤ 5 s with 0 writes, 1 % ≤ 6 s, peak RSS ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HEADER = [
    "STT", "Mã sản phẩm", "Tên sản phẩm", "Tên chủ thể", "Loại hình chủ thể", "Mã số thuế", "Địa chỉ", "Xã/Phường",
    "Huyện (cũ)", "Tỉnh/Thành phố", "Bộ sản phẩm", "Hạng sao", "Cấp công nhận", "Số quyết định", "Ngày quyết định",
    "Ngày hết hạn", "Trạng thái",
]  # fmt: skip
PROVINCES = [
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Hà Nam",
    "Nam Định",
    "Thái Bình",
    "Bắc Giang",
    "Quảng Nam",
    "Kiên Giang",
]
KINDS = [("HTX", "HTX Nông nghiệp"), ("Doanh nghiệp", "Công ty TNHH"), ("Hộ kinh doanh", "Hộ kinh doanh")]
WORDS = ["Nước mắm", "Chè", "Mật ong", "Gạo", "Bánh", "Rượu", "Miến", "Tương", "Nem", "Yến", "Cói", "Mây tre"]


def generate(path: Path, rows: int, *, changed: set[int] = frozenset()) -> None:
    rng = random.Random(42)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            producer = n // 3
            kind, prefix = KINDS[producer % 3]
            province = PROVINCES[producer % len(PROVINCES)]
            day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(0, 900))
            stars = 3 + (n % 7 == 0)
            if n in changed:
                stars = 5 if stars == 4 else 4
            writer.writerow([
                n + 1, f"BENCH-{n:06d}", f"{WORDS[n % len(WORDS)]} số {n}", f"{prefix} {producer}", kind,
                f"{9000000000 + producer}", "", f"Xã {producer % 50}", "", province, str(1 + n % 26),
                f"{stars} sao", "Tỉnh", f"{100 + n % 400}/QĐ-UBND", day.strftime("%d/%m/%Y"), "", "Còn hiệu lực",
            ])  # fmt: skip


def ensure_database(name: str) -> str:
    import psycopg

    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


class Writes:
    pattern = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(catalog_(?!sync)|producers_)', re.IGNORECASE)

    def __init__(self) -> None:
        self.rows = 0
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        result = execute(sql, params, many, context)
        if self.pattern.match(sql):
            self.statements += 1
            self.rows += max(context["cursor"].rowcount, 0)
        return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--db", default="ocop_bench4")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = ensure_database(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from catalog_sync import services
    from marketplace.catalog.models import Certification, Product
    from marketplace.producers.models import Producer

    Product.objects.update(current_certification=None)
    Certification.objects.all().delete()
    Product.objects.all().delete()
    Producer.objects.all().delete()

    tmp = Path(tempfile.mkdtemp(prefix="registry-bench-"))
    full, changed = tmp / "registry.csv", tmp / "registry-1pct.csv"
    generate(full, args.rows)
    rng = random.Random(7)
    generate(changed, args.rows, changed=set(rng.sample(range(args.rows), args.rows // 100)))
    print(f"{args.rows} rows, PostgreSQL database {args.db}, {connection.vendor}")

    def vacuum() -> None:
        # This server runs with autovacuum off; in production autovacuum/autoanalyze keeps plans and tables sane
        # between syncs. Do its job here so each run is measured against fresh statistics, not 100k dead rows.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE catalog_product, catalog_certification, producers_producer")

    def run(label: str, path: Path) -> None:
        vacuum()
        source = services.source_for_location(str(path))
        writes = Writes()
        started = time.perf_counter()
        with connection.execute_wrapper(writes):
            result = services.run_sync(source=source, trigger="bench")
        seconds = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{label:<10} {seconds:6.2f} s  {args.rows / seconds:8.0f} rows/s  rows written {writes.rows:6d} "
            f"({writes.statements} statements)  peak RSS {rss:5.0f} MB  | {result.summary()}"
        )

    run("full", full)
    run("no-op", full)
    run("1% change", changed)


if __name__ == "__main__":
    main()
