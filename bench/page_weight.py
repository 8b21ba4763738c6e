"""Print the weight of the storefront's main pages: HTML + CSS + JS (images excluded), raw and gzipped.

Renders each page with Django's test client against a throwaway test database holding a demo-like catalogue
(tests/storefront_theme/catalogue.py, 40 listed products). Budget: the listing page ≤ 60 KB.

    .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import gzip
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings_test")

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

BUDGET = 60 * 1024
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+\.(?:css|js))"')


def weigh(client: Client, url: str) -> tuple[int, int, int, int, int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 404, 410), (url, response.status_code)
    html = response.content
    assets = b""
    for path in sorted(set(ASSET.findall(html.decode()))):
        found = finders.find(path.removeprefix("/static/"))
        assets += Path(found).read_bytes() if found else b""
    total = len(html) + len(assets)
    gz = len(gzip.compress(html)) + len(gzip.compress(assets))
    return response.status_code, len(html), len(assets), total, gz, len(queries)


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from tests.storefront_theme import catalogue

        data = catalogue.build(extra=28, images=False)
        fish = data["fish"]
        client = Client()
        pages = [
            ("home", "/"),
            ("listing (all, 24/page)", "/san-pham/"),
            ("listing (product set 9)", f"/bo-san-pham/{fish.product_set.slug}/"),
            ("search 'nuoc mam'", "/tim-kiem/?q=nuoc+mam"),
            ("product", f"/san-pham/{fish.slug}/"),
            ("producer", f"/chu-the/{fish.producer.slug}/"),
            ("gone (410)", f"/san-pham/{data['expired'].slug}/"),
            ("sign in", "/tai-khoan/dang-nhap/"),
        ]
        client.post("/gio-hang/them/", {"variant": fish.variants.first().pk, "quantity": 1})
        pages += [("cart (1 line)", "/gio-hang/"), ("checkout", "/thanh-toan/")]
        print(f"{'page':28} {'status':>6} {'HTML':>8} {'CSS+JS':>8} {'total':>8} {'gzip':>7} {'SQL':>4}")
        for name, url in pages:
            status, html, assets, total, gz, sql = weigh(client, url)
            flag = "  OVER BUDGET" if "listing" in name and total > BUDGET else ""
            print(f"{name:28} {status:>6} {html:>8,} {assets:>8,} {total:>8,} {gz:>7,} {sql:>4}{flag}")
        print(f"budget for listing pages: {BUDGET:,} bytes (HTML + CSS + JS, uncompressed)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
