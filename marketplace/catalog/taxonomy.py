"""The OCOP taxonomy of QĐ 148/QĐ-TTg (2023): 6 product groups, 26 product sets, and the QĐ 1048/2019
sector/group names older decisions use, mapped to today's sets (seeded by a data migration)."""

from __future__ import annotations

from typing import Any

from marketplace.core.text import fold, slugify_vi

GROUPS = [
    ("I", "Thực phẩm", "Food"),
    ("II", "Đồ uống", "Beverages"),
    ("III", "Dược liệu và sản phẩm từ dược liệu", "Medicinal herbs and herbal products"),
    ("IV", "Hàng thủ công mỹ nghệ", "Handicrafts"),
    ("V", "Sinh vật cảnh", "Ornamental plants and animals"),
    (
        "VI",
        "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        "Community and eco-tourism services, tourist sites",
    ),
]

# (number, group code, Vietnamese name, English name)
SETS = [
    (1, "I", "Rau, củ, quả, hạt tươi", "Fresh vegetables, tubers, fruit and nuts"),
    (2, "I", "Thịt, thủy sản, trứng, sữa tươi", "Fresh meat, seafood, eggs and milk"),
    (3, "I", "Gạo, ngũ cốc, hạt sơ chế khác", "Rice, cereals and other semi-processed grains"),
    (4, "I", "Mật ong, mật khác và nông sản thực phẩm khác", "Honey, other syrups and other farm foods"),
    (5, "I", "Đồ ăn nhanh", "Convenience food"),
    (6, "I", "Chế biến từ gạo, ngũ cốc", "Processed rice and cereal products"),
    (7, "I", "Chế biến từ rau, củ, quả, hạt", "Processed vegetable, fruit and nut products"),
    (
        8,
        "I",
        "Chế biến từ thịt, trứng, sữa, thủy sản, mật ong",
        "Processed meat, egg, dairy, seafood and honey products",
    ),
    (9, "I", "Tương, nước mắm, gia vị dạng lỏng", "Sauces, fish sauce and liquid condiments"),
    (10, "I", "Gia vị khác", "Other condiments"),
    (11, "I", "Chè tươi, chế biến", "Fresh and processed tea"),
    (12, "I", "Sản phẩm trà từ thực vật khác", "Herbal teas from other plants"),
    (13, "I", "Cà phê, ca cao", "Coffee and cocoa"),
    (14, "II", "Rượu trắng", "White spirits"),
    (15, "II", "Đồ uống có cồn khác", "Other alcoholic drinks"),
    (16, "II", "Nước khoáng thiên nhiên, nước uống đóng chai", "Natural mineral and bottled water"),
    (17, "II", "Đồ uống không cồn khác", "Other non-alcoholic drinks"),
    (
        18,
        "III",
        "Thực phẩm chức năng, thuốc dược liệu, thuốc cổ truyền",
        "Functional foods, herbal and traditional medicines",
    ),
    (19, "III", "Mỹ phẩm có thành phần dược liệu", "Cosmetics with herbal ingredients"),
    (20, "III", "Tinh dầu và dược liệu khác", "Essential oils and other herbal materials"),
    (21, "IV", "Thủ công mỹ nghệ gia dụng, trang trí", "Household and decorative handicrafts"),
    (22, "IV", "Vải, may mặc", "Textiles and garments"),
    (23, "V", "Hoa", "Flowers"),
    (24, "V", "Cây cảnh", "Ornamental plants"),
    (25, "V", "Động vật cảnh", "Ornamental animals"),
    (
        26,
        "VI",
        "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        "Community and eco-tourism services, tourist sites",
    ),
]

# QĐ 1048/2019 sector and group names (as older decisions write them) → the closest QĐ 148 product set.
LEGACY_NAMES = [
    ("Thực phẩm tươi sống", 1),
    ("Rau, củ, quả tươi", 1),
    ("Thực phẩm thô, sơ chế", 3),
    ("Thực phẩm chế biến", 8),
    ("Chế biến từ thịt, trứng, sữa", 8),
    ("Chế biến từ thủy sản", 8),
    ("Gia vị", 10),
    ("Tương, nước mắm, gia vị dạng lỏng khác", 9),
    ("Chè", 11),
    ("Chè tươi, chè chế biến", 11),
    ("Cà phê, ca cao", 13),
    ("Đồ uống có cồn", 15),
    ("Đồ uống không cồn", 17),
    ("Thảo dược", 20),
    ("Thực phẩm chức năng, thuốc từ dược liệu, thuốc y học cổ truyền", 18),
    ("Mỹ phẩm", 19),
    ("Mỹ phẩm từ thảo dược", 19),
    ("Thảo dược khác", 20),
    ("Trang thiết bị, dụng cụ y tế", 20),
    ("Vải và may mặc", 22),
    ("Lưu niệm - nội thất - trang trí", 21),
    ("Lưu niệm, nội thất, trang trí", 21),
    ("Thủ công mỹ nghệ trang trí", 21),
    ("Thủ công mỹ nghệ gia dụng", 21),
    ("Dịch vụ du lịch nông thôn, bán hàng", 26),
    ("Dịch vụ du lịch - truyền thống - lễ hội", 26),
    ("Dịch vụ du lịch cộng đồng và điểm du lịch", 26),
]


def seed(ProductGroup: Any, ProductSet: Any, LegacySector: Any) -> None:
    groups = {}
    for position, (code, name, name_en) in enumerate(GROUPS):
        groups[code], _ = ProductGroup.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "slug": slugify_vi(name_en), "position": position}
        )
    sets = {}
    for number, group_code, name, name_en in SETS:
        sets[number], _ = ProductSet.objects.update_or_create(
            number=number,
            defaults={
                "group": groups[group_code],
                "name": name,
                "name_en": name_en,
                "name_folded": fold(name),
                "slug": f"{number}-{slugify_vi(name, max_length=100)}",
            },
        )
    for name, number in LEGACY_NAMES:
        LegacySector.objects.update_or_create(
            name_folded=fold(name), defaults={"name": name, "product_set": sets[number]}
        )
