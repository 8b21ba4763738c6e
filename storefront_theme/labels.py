"""Model labels the storefront shows (choices of other apps' models), marked here so that their English
translations live in the storefront's catalogue too. gettext_noop only marks them; the models translate them."""

from django.utils.translation import gettext_noop

SHOWN_LABELS = [
    # catalog.Certification.Level
    gettext_noop("Cấp huyện"),
    gettext_noop("Cấp tỉnh"),
    gettext_noop("Cấp Trung ương"),
    # producers.Producer.Kind
    gettext_noop("Hợp tác xã"),
    gettext_noop("Tổ hợp tác"),
    gettext_noop("Doanh nghiệp"),
    gettext_noop("Hộ sản xuất/kinh doanh"),
    # orders.Order.Status / PaymentStatus / PaymentMethod
    gettext_noop("Chờ xử lý"),
    gettext_noop("Đang đóng gói"),
    gettext_noop("Đã gửi một phần"),
    gettext_noop("Đã gửi hàng"),
    gettext_noop("Đã giao"),
    gettext_noop("Đã hủy"),
    gettext_noop("Chưa thanh toán"),
    gettext_noop("Đã thanh toán"),
    gettext_noop("Đã hoàn tiền"),
    gettext_noop("Thẻ (Stripe)"),
    gettext_noop("Thanh toán khi nhận hàng"),
    gettext_noop("Chuyển khoản (VietQR)"),
    # checkout delivery methods
    gettext_noop("Giao tận nhà"),
]
