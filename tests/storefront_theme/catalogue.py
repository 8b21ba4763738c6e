"""A small demo-like catalogue for page-weight benchmarks and browser tests (not fixtures: plain functions)."""

from __future__ import annotations

import datetime
import io

from django.core.files.base import ContentFile

from marketplace.catalog.models import Certification, ProductMedia, ProductSet
from marketplace.catalog.selectors import today_in_vietnam
from marketplace.geo.models import Province
from marketplace.inventory.models import Stock, StockLocation
from tests.factories import ListedProductFactory, ProducerFactory, VariantFactory

NAMES = [
    (9, "Nước mắm Ba Làng", 5),
    (9, "Nước mắm cốt Hải Châu", 4),
    (9, "Nước mắm Khải Hoàn", 3),
    (4, "Mật ong bạc hà Mã Pì Lèng", 5),
    (4, "Mật ong rừng Ngọc Lặc", 4),
    (3, "Gạo nếp cái hoa vàng Thiệu Hóa", 4),
    (6, "Bánh gai Tứ Trụ", 5),
    (11, "Chè Shan tuyết Pù Luông", 4),
    (2, "Nem chua Thanh Hóa", 4),
    (13, "Cà phê Khe Sanh", 3),
    (14, "Rượu cần Mường", 3),
    (20, "Tinh dầu sả chanh Như Thanh", 4),
]


def _jpeg(color: tuple[int, int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (480, 480), color).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def build(*, extra: int = 0, images: bool = False) -> dict:
    """Listed products across sets and provinces (+ `extra` more fish sauces), one expired fish sauce, a sales point."""
    thanh_hoa = Province.objects.get(codename="thanh_hoa")
    producers = [ProducerFactory(name="HTX Nước mắm Ba Làng"), ProducerFactory(name="HTX Nông sản Ngọc Lặc")]
    producers.append(ProducerFactory(name="Công ty Chè Pù Luông", province=Province.objects.get(codename="ha_noi")))
    products = []
    for i, (set_number, name, stars) in enumerate(NAMES):
        product = ListedProductFactory(
            name=name,
            producer=producers[i % len(producers)],
            product_set=ProductSet.objects.get(number=set_number),
            certification__stars=stars,
            variant__price=60_000 + 15_000 * i,
            variant__name="chai 500 ml" if set_number == 9 else "hộp 500 g",
            description=f"<p>{name}: sản phẩm OCOP {stars} sao của {producers[i % len(producers)].name}.</p>",
        )
        products.append(product)
    for i in range(extra):
        products.append(ListedProductFactory(name=f"Nước mắm truyền thống số {i + 1}", producer=producers[0]))
    fish = products[0]
    VariantFactory(product=fish, name="chai 1 lít", price=210_000, gtin="08930000000019", sku="BL-1000")
    point = StockLocation.objects.create(
        name="Điểm bán OCOP sân bay Thọ Xuân",
        kind=StockLocation.Kind.SALES_POINT,
        province=thanh_hoa,
        street_address="Cảng hàng không Thọ Xuân",
    )
    Stock.objects.create(variant=fish.variants.first(), location=point, quantity=12)
    expired = ListedProductFactory(name="Nước mắm Hết Hạn", producer=producers[0], slug="nuoc-mam-het-han")
    Certification.objects.filter(pk=expired.current_certification_id).update(
        decision_date=today_in_vietnam() - datetime.timedelta(days=1200),
        valid_until=today_in_vietnam() - datetime.timedelta(days=1),
    )
    if images:
        palette = [(196, 140, 60), (230, 190, 80), (120, 160, 90), (170, 90, 60)]
        for i, product in enumerate(products[:12]):
            image = ContentFile(_jpeg(palette[i % 4]), name=f"{product.slug}.jpg")
            ProductMedia.objects.create(product=product, alt=product.name, image=image, width=480, height=480)
    return {"fish": fish, "expired": expired, "products": products, "point": point}
