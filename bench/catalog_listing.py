"""Storefront listing benchmark: 20,000 products in PostgreSQL, in-process latency and queries per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_bench3 .venv/bin/python bench/catalog_listing.py [--requests 60]

Creates the database if missing, migrates it, loads 20,000 products once (bulk_create; ~2,000 producers, 1–2
variants each with stock, one media row each, ~90 % listed), then times GraphQL requests through Django's test
Client (the real view: parsing, validation, limits, execution, JSON) for:
  1. the first page of 24, every product-card field;
  2. a page of 24 filtered by stars (4, 5) and province (Thanh Hóa);
  3. the search "nuoc mam".
Targets (2-core machine): p50 ≤ 30 ms and p95 ≤ 60 ms for a page of 24; search p50 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop_bench3")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ["RATELIMIT_ENABLE"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

TOTAL = 20_000
PRODUCERS = 2_000

CARD = """
query Bench($first: Int, $search: String, $filter: ProductFilterInput) {
  products(first: $first, search: $search, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      id name slug stars isAvailable
      producer { id name slug province commune }
      productSet { id name }
      variants { id name price { amount currency } quantityAvailable }
      priceRange { start { amount } stop { amount } }
      thumbnail(size: 320) { url alt }
    } }
  }
}"""

SCENARIOS = [
    ("first page of 24", {"first": 24}),
    ("stars 4-5 + province Thanh Hóa, 24", {"first": 24, "filter": {"stars": [4, 5], "province": "Thanh Hóa"}}),
    ('search "nuoc mam", 24', {"first": 24, "search": "nuoc mam"}),
]

KINDS = [
    ("Nước mắm", 9, "chai 500 ml", 85_000),
    ("Mắm tôm", 9, "hũ 250 g", 45_000),
    ("Mật ong", 4, "hũ 500 g", 180_000),
    ("Chè", 11, "gói 200 g", 90_000),
    ("Gạo", 3, "túi 5 kg", 120_000),
    ("Nem chua", 8, "chục 10 cái", 60_000),
    ("Bánh gai", 6, "hộp 10 cái", 70_000),
    ("Rượu", 14, "chai 500 ml", 110_000),
    ("Cà phê", 13, "gói 500 g", 150_000),
    ("Chiếu cói", 21, "chiếc", 250_000),
    ("Tinh dầu sả", 20, "chai 50 ml", 95_000),
    ("Măng khô", 7, "gói 500 g", 160_000),
]
PLACES = ["Hoằng Phụ", "Đông Sơn", "Nga Sơn", "Hậu Lộc", "Quảng Xương", "Thọ Xuân", "Bá Thước", "Ngọc Lặc", "Sầm Sơn"]
QUALIFIERS = ["cốt", "đặc biệt", "truyền thống", "hữu cơ", "thượng hạng", "loại 1", "nguyên chất", "gia truyền"]


def ensure_database() -> None:
    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def load() -> None:
    from django.db import transaction

    from marketplace.catalog.models import Certification, Product, ProductMedia, ProductSet, ProductVariant
    from marketplace.catalog.selectors import today_in_vietnam
    from marketplace.catalog.services import build_search_document
    from marketplace.core.text import fold, slugify_vi
    from marketplace.geo.models import Commune, Province
    from marketplace.inventory.models import Stock, StockLocation
    from marketplace.producers.models import Producer

    have = Product.objects.count()
    if have >= TOTAL:
        print(f"{have} products already loaded")
        return
    if have:
        sys.exit(f"{have} products in the bench database; drop it and run again")
    rng = random.Random(42)
    started = time.perf_counter()
    thanh_hoa = Province.objects.get(codename="thanh_hoa")
    provinces = list(Province.objects.all())
    communes: dict[int, list[Commune]] = {}
    for commune in Commune.objects.all():
        communes.setdefault(commune.province_id, []).append(commune)
    sets = {s.number: s for s in ProductSet.objects.all()}
    today = today_in_vietnam()
    with transaction.atomic():
        producers = []
        for i in range(PRODUCERS):
            province = thanh_hoa if i % 3 == 0 else rng.choice(provinces)
            name = f"HTX {rng.choice(PLACES)} {i}"
            producers.append(
                Producer(
                    name=name,
                    name_folded=fold(name),
                    kind=Producer.Kind.COOPERATIVE,
                    tax_code=f"99{i:08d}",
                    province=province,
                    commune=rng.choice(communes[province.pk]),
                    slug=f"{slugify_vi(name)}-{i}",
                    status=Producer.Status.SUSPENDED if i % 97 == 0 else Producer.Status.ACTIVE,
                )
            )
        Producer.objects.bulk_create(producers, batch_size=2000)
        locations = StockLocation.objects.bulk_create(
            [StockLocation(name=f"Kho {p.name}", producer=p, province=p.province) for p in producers],
            batch_size=2000,
        )
        location_of = {loc.producer_id: loc for loc in locations}
        products = []
        kinds = []
        for i in range(TOTAL):
            kind = rng.choice(KINDS)
            producer = producers[i % PRODUCERS]
            name = f"{kind[0]} {rng.choice(QUALIFIERS)} {rng.choice(PLACES)} {i}"
            product = Product(
                producer=producer,
                product_set=sets[kind[1]],
                name=name,
                registry_key=f"BENCH-{i:06d}",
                slug=f"{slugify_vi(name)}-{i}",
                is_published=i % 50 != 0,
            )
            product.search_document = build_search_document(product)
            products.append(product)
            kinds.append(kind)
        Product.objects.bulk_create(products, batch_size=2000)
        certifications = []
        for i, product in enumerate(products):
            decision = today - datetime.timedelta(days=rng.randint(30, 1200))
            certifications.append(
                Certification(
                    product=product,
                    registry_code=product.registry_key,
                    stars=2 if i % 40 == 0 else rng.choice([3, 3, 4, 4, 5]),
                    decision_number=f"{i}/QĐ-UBND",
                    decision_date=decision,
                    valid_until=decision + datetime.timedelta(days=3 * 365),
                )
            )
        Certification.objects.bulk_create(certifications, batch_size=2000)
        for product, cert in zip(products, certifications, strict=True):
            product.current_certification = cert
        Product.objects.bulk_update(products, ["current_certification"], batch_size=2000)
        variants = []
        for i, (product, kind) in enumerate(zip(products, kinds, strict=True)):
            price = round(kind[3] * rng.uniform(0.8, 1.3) / 1000) * 1000
            variants.append(ProductVariant(product=product, sku=f"B-{i}-1", name=kind[2], price=price))
            if i % 2 == 0:
                variants.append(ProductVariant(product=product, sku=f"B-{i}-2", name="combo 2", price=price * 2))
        ProductVariant.objects.bulk_create(variants, batch_size=4000)
        Stock.objects.bulk_create(
            [
                Stock(variant=v, location=location_of[v.product.producer_id], quantity=rng.choice([0, 5, 20, 100]))
                for v in variants
            ],
            batch_size=4000,
        )
        ProductMedia.objects.bulk_create(
            [
                ProductMedia(product=p, image=f"products/{p.pk}/card.png", width=1024, height=1024, alt=p.name)
                for p in products
            ],
            batch_size=4000,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum would soon do; enables index-only scans
    print(f"loaded {TOTAL} products, {len(variants)} variants in {time.perf_counter() - started:.1f} s")


def measure(requests: int) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()

    def run(variables: dict) -> tuple[float, float, int, dict]:
        body = json.dumps({"query": CARD, "variables": variables})
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.post("/graphql/", data=body, content_type="application/json")
            elapsed = (time.perf_counter() - start) * 1000
        data = response.json()
        assert "errors" not in data, data
        sql = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        return elapsed, sql, len(queries), data["data"]["products"]

    load = os.getloadavg()
    print(
        f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores; {requests} requests each"
    )
    print(f"{'scenario':42} {'p50 ms':>8} {'p95 ms':>8} {'SQL p50':>8} {'queries':>8} {'total':>7}")
    for title, variables in SCENARIOS:
        for _ in range(5):
            run(variables)  # warm-up: connection, plans, caches
        timings, sql_timings, counts = [], [], set()
        products = {}
        for _ in range(requests):
            elapsed, sql, count, products = run(variables)
            timings.append(elapsed)
            sql_timings.append(sql)
            counts.add(count)
            reset_queries()
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        queries = "/".join(str(c) for c in sorted(counts))
        sql_p50 = statistics.median(sql_timings)
        print(f"{title:42} {p50:8.1f} {p95:8.1f} {sql_p50:8.1f} {queries:>8} {products['totalCount']:>7}")
        if "search" in variables:
            top = [edge["node"]["name"] for edge in products["edges"][:3]]
            print(f"{'':42} top: {', '.join(top)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    measure(args.requests)


if __name__ == "__main__":
    main()
