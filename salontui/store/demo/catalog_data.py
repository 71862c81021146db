"""The demo salon's data: who works there, what it sells and at what price, how it
is paid, its card types, promotions and customer groups, and the names, streets and
notes its customers are made from.

Plain tables and constants only (no code that writes a row), so the salon can be
read, and changed, in one place; the back office's functions (``office.py``), the
builder (``build.py``) and the simulation (``history.py``) take from them. Weights
say how often a visit picks an entry; :func:`_weighted_table` turns them into lookup
tables for the hot loop.
"""

from __future__ import annotations

from salontui.store.kinds import CareType

HISTORY_DAYS = 3 * 365
UTC_OFFSET_MINUTES = 420  # Vietnam
POINTS_PER_AMOUNT = 10_000
POINT_VALUE = 100
OPEN_LOCAL = 8 * 60 + 30  # 08:30, minutes after local midnight
CLOSE_LOCAL = 20 * 60 + 30  # 20:30
# The book's day (the opening hours below) and the demo's "now": 15:00 at the salon, half
# the day done (visits paid, customers at the cashier, the afternoon still expected).
BOOK_OPENS = 9 * 60
BOOK_CLOSES = 20 * 60
NOW_LOCAL = 15 * 60


SETTINGS = {
    "id": 1, "name": "Salon Hoa Mai",
    "address": "68 Nguyễn Văn Linh, phường Nam Dương, quận Hải Châu, Đà Nẵng",
    "phone": "0236 3 888 168",
    "receipt_footer": "Cảm ơn quý khách! Hẹn gặp lại tại Salon Hoa Mai.",
    "currency": "VND", "currency_exponent": 0, "locale": "vi_VN", "phone_region": "VN",
    "points_per_amount": POINTS_PER_AMOUNT, "point_value": POINT_VALUE,
    "utc_offset_minutes": UTC_OFFSET_MINUTES,
    "receipt_header": "", "opening_hours": ",".join(["09:00-20:00"] * 7),
    "slot_minutes": 15, "new_member_active": True,
    "points_services": True, "points_products": True, "points_packages": True,
    "points_topups": False, "points_rounding": "down", "points_expiry_days": None,
    "reminder_days": 14, "tier_basis": "spend", "tier_period_months": 12,
    "topup_spend": "spent", "lock_minutes": 0, "discount_limit_percent": 10,
}

# (name, role, active); ids are 1.. in this order.
STAFF = [
    ("Phạm Thị Hoa Mai", "owner", True),
    ("Lê Minh Tuấn", "manager", True),
    ("Nguyễn Thị Thu Trang", "receptionist", True),
    ("Võ Ngọc Hân", "receptionist", True),
    ("Trần Văn Khoa", "technician", True),
    ("Huỳnh Thị Kim Ngân", "technician", True),
    ("Đặng Thị Ly", "technician", True),
    ("Bùi Minh Quân", "technician", True),
    ("Ngô Thị Diễm", "technician", True),
    ("Dương Thanh Tâm", "technician", True),
    ("Hồ Thị Yến", "technician", True),
    ("Lý Văn Phúc", "technician", False),  # left the salon half-way through the history
]
OWNER, MANAGER = 1, 2
CASHIERS = (3, 3, 4, 4, 4, 2)
TECHNICIANS = (5, 6, 7, 8, 9, 10, 11)
FORMER_TECHNICIAN = 12

# Who is in the appointment book on which days (Monday..Sunday, "1" a working day): each
# technician has one or two days off a week, staggered so that every weekday has most of
# them and nobody is off at the weekend (the busy days); the owner, the manager and the
# receptionists do no services and are not in the book (nor is the technician who left).
NOT_IN_BOOK = "0000000"
WORK_DAYS = {5: "1011111", 6: "1101111", 7: "1110111", 8: "0111111", 9: "1111011",
             10: "0011111", 11: "1100111"}
TECHNICIAN_WEEKS = tuple(WORK_DAYS[t] for t in (5, 6, 7, 8, 9, 10, 11))
# The exceptions the manager entered this week (staff_day): a technician off sick today, one
# who comes in on their day off today, and a day of leave later this week.
OFF_TODAY_NOTE = "Nghỉ ốm, đã báo quản lý"
EXTRA_TODAY_NOTE = "Làm thay ca ngày nghỉ"
LEAVE_NOTE = "Nghỉ phép việc gia đình"

# The chain (``salontui demo --branches N``): the first branch is the salon above (code
# "1", as the migrations make it, no invoice prefix: its invoices are the chain's
# HD000001…); the others follow in this order, each opening later than the one before,
# with an invoice prefix of its own and so its own counter (TK-HD000001…).
# (code, name, address, phone, receipt header, invoice prefix)
BRANCHES = [
    ("TK", "Salon Hoa Mai Thanh Khê",
     "215 Điện Biên Phủ, phường Chính Gián, quận Thanh Khê, Đà Nẵng", "0236 3 777 215",
     "Chi nhánh Thanh Khê", "TK-"),
    ("ST", "Salon Hoa Mai Sơn Trà",
     "102 Ngô Quyền, phường An Hải Bắc, quận Sơn Trà, Đà Nẵng", "0236 3 933 102",
     "Chi nhánh Sơn Trà", "ST-"),
    ("NHS", "Salon Hoa Mai Ngũ Hành Sơn",
     "48 Lê Văn Hiến, phường Khuê Mỹ, quận Ngũ Hành Sơn, Đà Nẵng", "0236 3 955 048",
     "Chi nhánh Ngũ Hành Sơn", "NHS-"),
    ("LC", "Salon Hoa Mai Liên Chiểu",
     "520 Tôn Đức Thắng, phường Hoà Khánh Nam, quận Liên Chiểu, Đà Nẵng", "0236 3 844 520",
     "Chi nhánh Liên Chiểu", "LC-"),
    ("CL", "Salon Hoa Mai Cẩm Lệ",
     "75 Ông Ích Đường, phường Hoà Thọ Đông, quận Cẩm Lệ, Đà Nẵng", "0236 3 677 075",
     "Chi nhánh Cẩm Lệ", "CL-"),
    ("HA", "Salon Hoa Mai Hội An",
     "36 Trần Hưng Đạo, phường Minh An, Hội An, Quảng Nam", "0235 3 861 036",
     "Chi nhánh Hội An", "HA-"),
    ("HUE", "Salon Hoa Mai Huế",
     "18 Lê Lợi, phường Vĩnh Ninh, Huế", "0234 3 822 018",
     "Chi nhánh Huế", "HUE-"),
]
MAX_BRANCHES = 1 + len(BRANCHES)
# Each later branch's staff, by role (the owner works for the whole chain): its manager,
# receptionists and technicians stand in for the first branch's (BRANCH_STAFF_OF).
BRANCH_ROLES = ("manager", "receptionist", "receptionist", "technician", "technician",
                "technician", "technician", "technician")
# The first branch's staff id -> index in BRANCH_ROLES of whoever does that job at a later
# branch (the owner stays the owner; the technicians share the branch's five).
BRANCH_STAFF_OF = {MANAGER: 0, 3: 1, 4: 2, 5: 3, 6: 4, 7: 5, 8: 6, 9: 7, 10: 3, 11: 4,
                   FORMER_TECHNICIAN: 5}
# The later branches open one after another over the first 40% of the history.
BRANCHES_OPEN_BY = 0.4
AWAY_VISITS = 0.12  # how often a customer of a chain visits a branch other than their own

# The back office (``office.py`` makes it through the store's own functions, in a scratch
# database, and the load writes what they made).
# (name, category, price, minutes, technician's commission %, weight) -- weights say how
# often a visit picks the service.
SERVICES = [
    ("Gội đầu dưỡng sinh", "Gội đầu", 120_000, 45, 10, 30),
    ("Gội đầu thảo dược", "Gội đầu", 150_000, 60, 10, 12),
    ("Cắt tóc nữ", "Tóc", 150_000, 45, 15, 14),
    ("Cắt tóc nam", "Tóc", 80_000, 30, 15, 6),
    ("Uốn tóc", "Tóc", 650_000, 150, 15, 4),
    ("Duỗi tóc", "Tóc", 600_000, 150, 15, 3),
    ("Nhuộm tóc", "Tóc", 550_000, 120, 15, 6),
    ("Phục hồi tóc Keratin", "Tóc", 450_000, 90, 15, 3),
    ("Massage body", "Spa", 350_000, 90, 20, 10),
    ("Massage chân", "Spa", 200_000, 60, 20, 8),
    ("Chăm sóc da mặt", "Da mặt", 300_000, 60, 15, 10),
    ("Trị mụn chuyên sâu", "Da mặt", 450_000, 75, 15, 4),
    ("Tẩy tế bào chết toàn thân", "Spa", 250_000, 45, 15, 3),
    ("Làm móng tay", "Móng", 100_000, 45, 20, 6),
    ("Sơn gel", "Móng", 150_000, 60, 20, 6),
    ("Nối mi", "Mi", 300_000, 90, 20, 3),
    ("Triệt lông nách", "Triệt lông", 200_000, 30, 10, 2),
]
# (name, category, price, cost price, may be left at the salon)
PRODUCTS = [
    ("Dầu gội bưởi 250ml", "Chăm sóc tóc", 180_000, 95_000, True),
    ("Dầu xả phục hồi 250ml", "Chăm sóc tóc", 220_000, 120_000, True),
    ("Serum dưỡng tóc", "Chăm sóc tóc", 350_000, 190_000, False),
    ("Sữa rửa mặt dịu nhẹ", "Chăm sóc da", 280_000, 150_000, False),
    ("Kem chống nắng SPF50", "Chăm sóc da", 320_000, 175_000, False),
    ("Mặt nạ dưỡng ẩm (hộp 10 miếng)", "Chăm sóc da", 250_000, 130_000, False),
    ("Tinh dầu massage sả chanh", "Spa", 190_000, 85_000, False),
]
PLAN_CATEGORY = "Gói dịch vụ"
# (name, package_kind, sessions, price, validity_days, services covered (indexes in
# SERVICES), weight)
PLANS = [
    ("Gói 10 lần gội đầu dưỡng sinh", "count", 10, 1_000_000, 180, (0,), 30),
    ("Gói 10 buổi massage body", "count", 10, 3_000_000, 365, (8,), 12),
    ("Liệu trình chăm sóc da 7 buổi", "count", 7, 1_980_000, 180, (10,), 14),
    ("Liệu trình trị mụn 5 buổi", "count", 5, 1_990_000, 120, (11, 10), 6),
    ("Thẻ tháng gội đầu không giới hạn", "time", None, 1_500_000, 30, (0, 1), 10),
    ("Thẻ năm spa", "time", None, 12_000_000, 365, (8, 9, 12), 3),
    ("Tặng 3 buổi gội đầu", "gift", 3, 0, 90, (0,), 0),
    ("Quà sinh nhật: 1 buổi massage chân", "gift", 1, 0, 60, (9,), 0),
]
GIFT_PLANS = (6, 7)
# The salon's own payment methods beside the eight built in (migration 0005): all
# card-like (the money arrives by the wallet or the shop, as by a bank card), each with
# its Alt+letter at the checkout; their codes are what ``create_method`` makes of the name.
# (name, key, how many in a hundred money payments take it)
METHODS = [
    ("MoMo", "m", 4),
    ("ZaloPay", "z", 2),
    ("WeChat Pay", "g", 1),
    ("Alipay", "j", 1),
    ("Shop online", "s", 1),
]
# Card types (stored-value sub-cards), set up a year into the history: (name, pay, get
# (the bonus rule, None: none), discounts apply, weight among new sub-cards). Sub-cards
# opened before then are named freely (SUB_CARD, no type), as the desk had them.
CARD_TYPES = [
    ("Thẻ vàng", 10_000_000, 11_000_000, True, 2),
    ("Thẻ bạc", 5_000_000, 5_300_000, True, 5),
    ("Thẻ quà tặng", None, None, False, 2),
]
CARD_TYPES_DAY = 365
SUB_CARD = "Thẻ Spa"
TOPUPS = ((1_000_000, 1_050_000), (2_000_000, 2_150_000), (3_000_000, 3_300_000),
          (5_000_000, 5_600_000), (10_000_000, 11_500_000))
# Customer groups (name, points multiplier %), set up this morning: the owner sorted the
# customers in just before the desk opened, so every sale before earned as everyone's.
GROUPS = [("VIP", 150), ("Gia đình nhân viên", 200), ("Doanh nghiệp", 100)]
# VIPs are the best spenders (TIERS below): this share of each tier (about 3 % of all)…
VIP_SHARE = {"Diamond": 1.0, "Gold": 1.0, "Silver": 0.45}
FAMILY_SHARE = 0.01  # … and of the others, staff family and corporate customers
CORPORATE_SHARE = 0.02

# (name, description, start day, end day (None: open), percent, amount, what it is taken off,
# times per customer (None: no limit), code prefix, points price (None: not for points));
# days from history start. The vouchers bought with points start today, with the tiers.
PROGRAMS = [
    ("Khai trương chi nhánh mới", "Giảm 20% mọi dịch vụ", 30, 120, 20, 0, "services", None,
     "", None),
    ("Tri ân khách hàng thân thiết", "Giảm 100.000đ cho hoá đơn dịch vụ", 200, 400, 0,
     100_000, "services", None, "", None),
    ("Tết Nguyên Đán", "Giảm 15% dịch vụ tóc dịp Tết", 420, 470, 15, 0, "services", None,
     "TET-", None),
    ("Mừng sinh nhật", "Giảm 30% trong tháng sinh nhật", 0, None, 30, 0, "all", None, "SN-",
     None),
    ("Giới thiệu bạn bè", "Giảm 50.000đ cho khách được giới thiệu", 600, None, 0, 50_000,
     "all", 1, "GT-", None),
    ("Đổi 500 điểm lấy voucher 50.000 ₫", "Đổi bằng điểm tích lũy", HISTORY_DAYS, None, 0,
     50_000, "all", None, "DD-", 500),
    ("Đổi 2.000 điểm lấy voucher 250.000 ₫", "Đổi bằng điểm tích lũy, cho dịch vụ",
     HISTORY_DAYS, None, 0, 250_000, "services", 2, "DD-", 2_000),
]

SURNAMES = [("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 30),
            ("Huỳnh", 25), ("Phan", 45), ("Vũ", 20), ("Võ", 20), ("Đặng", 21), ("Bùi", 20),
            ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Trương", 8),
            ("Đinh", 6), ("Mai", 5), ("Cao", 4), ("Lâm", 4)]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Minh", "Kim", "Mỹ",
                 "Bảo", "Hoài", "Phương", "Diễm", "Khánh", "Thuỳ", "Hồng", "Quỳnh"]
MALE_MIDDLE = ["Văn", "Văn", "Minh", "Quốc", "Đức", "Hữu", "Thành", "Công", "Gia", "Hoàng",
               "Anh", "Thanh", "Ngọc", "Tấn"]
FEMALE_GIVEN = ["Hương", "Lan", "Linh", "Trang", "Hà", "Mai", "Ngọc", "Thảo", "Vy", "Nhung",
                "Hạnh", "Hằng", "Yến", "Phương", "Anh", "Thuỷ", "Dung", "Loan", "Oanh",
                "Quỳnh", "Nga", "Hoa", "Hiền", "Huyền", "Trinh", "Nhi", "My", "Châu", "Giang",
                "Uyên", "Thư", "Tâm", "Diệp", "Tuyết", "Xuân", "Như", "Hồng", "Liên", "Đào",
                "Ánh", "Bích", "Cúc", "Duyên", "Hậu", "Khuê", "Lệ", "Ly", "Nguyệt", "Phượng",
                "Sương", "Thoa", "Trâm", "Vân", "Ý"]
MALE_GIVEN = ["Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Long", "Hải", "Sơn", "Phong", "Khoa",
              "Đức", "Quân", "Huy", "Bảo", "Thắng", "Trung", "Tài", "Lâm", "Hiếu", "Phúc",
              "Khánh", "Vinh", "Đạt", "Tùng", "Cường", "Hoàng", "Kiên", "Lộc", "Nhân", "Quang"]
SECOND_GIVEN = ["Anh", "Giang", "Linh", "Vy", "Như", "Trâm", "Châu", "Nhi"]
# Mobile prefixes that phonenumbers accepts for Vietnam (Viettel, Vinaphone, Mobifone, ...).
PHONE_PREFIXES = ["090", "093", "070", "079", "077", "076", "078", "091", "094", "088", "081",
                  "082", "083", "084", "085", "096", "097", "098", "086", "032", "033", "034",
                  "035", "036", "037", "038", "039", "092", "056", "058", "059", "087"]
STREETS = ["Nguyễn Văn Linh", "Lê Duẩn", "Hùng Vương", "Trần Phú", "Bạch Đằng", "Hàm Nghi",
           "Điện Biên Phủ", "Ngũ Hành Sơn", "Võ Nguyên Giáp", "Lê Văn Hiến", "Tôn Đức Thắng",
           "Nguyễn Tri Phương", "Phan Châu Trinh", "Ông Ích Khiêm", "Hoàng Diệu"]
DISTRICTS = ["Hải Châu", "Thanh Khê", "Sơn Trà", "Ngũ Hành Sơn", "Liên Chiểu", "Cẩm Lệ",
             "Hoà Vang"]
CUSTOMER_NOTES = ["Da nhạy cảm, tránh sản phẩm có cồn.", "Thích gội đầu nước ấm.",
                  "Dị ứng thuốc nhuộm có amoniac.", "Khách quen, hay đi cùng con gái.",
                  "Chỉ đặt lịch buổi tối sau 18h.", "Thích kỹ thuật viên Ngân làm."]
CARE_TITLES = {
    "care": ["Hỏi thăm sau liệu trình", "Tặng điểm tri ân khách hàng", "Chúc mừng sinh nhật"],
    "treatment": ["Tư vấn liệu trình trị mụn", "Theo dõi tình trạng da",
                  "Phục hồi tóc hư tổn: buổi kiểm tra"],
    "call": ["Gọi nhắc lịch hẹn", "Gọi chăm sóc sau dịch vụ", "Gọi mời dùng gói mới"],
    "sms": ["SMS nhắc lịch hẹn", "SMS chúc mừng sinh nhật", "SMS thông báo khuyến mãi"],
    "email": ["Email khuyến mãi tháng", "Email cảm ơn khách hàng"],
}
CARE_TYPES = tuple(t.value for t in CareType)  # plain strings: written as they are
CARE_DESCRIPTIONS = ["Khách hài lòng, hẹn quay lại tuần sau.", "Da đã cải thiện rõ.",
                     "Khách bận, gọi lại sau.", "Đã gửi thông tin ưu đãi.", ""]
SERVICE_NOTES = ["Da khô, nên dưỡng ẩm thêm.", "Tóc yếu, tránh uốn trong 2 tháng.",
                 "Vai gáy căng, tăng thời gian massage.", "Móng mỏng, dùng gel nhẹ."]
NEXT_FOCUS = ["Dưỡng ẩm chuyên sâu", "Phục hồi tóc", "Massage vai gáy", "Trị mụn vùng cằm"]
CANCEL_REASONS = ["Khách báo bận đột xuất", "Khách bị ốm, xin dời lịch",
                  "Khách đi công tác xa", "Con nhỏ ốm, khách hẹn lại sau"]
BOOKING_NOTES = ["Khách muốn làm với kỹ thuật viên quen", "Khách đặt qua Zalo",
                 "Đi cùng một người bạn", "Khách hỏi thêm về gói liệu trình"]
CALLBACK_DONE = ["Đã gọi, khách hẹn tuần sau quay lại.", "Đã gọi hỏi thăm, khách hài lòng.",
                 "Gọi không nghe máy, đã nhắn Zalo."]
REFUND_REASONS = ["Khách không hài lòng với kiểu tóc", "Nhập nhầm dịch vụ",
                  "Sản phẩm lỗi, khách trả lại"]
# The tiers, set up this afternoon (catalogue order: the first is the migration's own):
# (name, min spend over the salon's 12 months, min points, discount % on services,
# points multiplier %, one-time reward in points).
TIERS = (("Member", 0, 0, 0, 100, 0),
         ("Silver", 5_000_000, 500, 3, 110, 200),
         ("Gold", 15_000_000, 1_500, 5, 125, 500),
         ("Diamond", 40_000_000, 4_000, 10, 150, 1_000))
RANKED = "Xếp hạng theo chi tiêu 12 tháng"  # why each customer got their tier today
# A few customers the owner moved up by hand (held up) after the ranking, and why.
HELD_UP = ("Khách thân thiết lâu năm, chủ salon nâng hạng",
           "Khách giới thiệu nhiều bạn bè, nâng hạng tri ân",
           "Bù hạng cho khách bị tính thiếu chi tiêu")
# Adjustment tickets typed in this afternoon: (status, note, tags, lines of (points, moved up
# one tier, note)); the applied one by the manager.
TICKETS = (
    ("applied", "Xử lý khiếu nại của khách", "khiếu nại,bù điểm",
     ((300, False, "Hoá đơn bị tính thiếu điểm"), (0, True, "Nâng hạng theo chính sách tri ân"))),
    ("waiting", "Tặng điểm sinh nhật bị sót", "sinh nhật", ((500, False, ""),)),
    ("cancelled", "Trừ điểm nhập trùng", "sửa lỗi", ((-200, False, "Nhập trùng hoá đơn"),)),
)
# Vouchers (phiếu quà tặng, books.py): after about one visit in two hundred the manager
# gives the customer one by hand, with a reason: (value in VND, reason).
VOUCHER_GIFTS = ((100_000, "Phiếu quà tặng sinh nhật"),
                 (50_000, "Xin lỗi vì để khách chờ lâu"),
                 (200_000, "Cảm ơn khách giới thiệu bạn bè"),
                 (300_000, "Phiếu quà tặng khách thân thiết cuối năm"))
VOUCHER_PAYS = 0.3  # a visit of a customer holding vouchers pays with them
# Products left at the salon (books.py): a product that can be left (the catalogue's
# can_leave), when sold, is left this often; at a later visit what the customer has to
# collect is handed over this often, now and then one of two.
LEFT_AT_SALON = 0.25
HANDED_OVER = 0.85
HANDOVER_NOTES = ("", "", "Khách lấy khi quay lại", "Người nhà lấy giúp")
# The paper book typed in this afternoon (back-fills, books.py). Packages: (customer,
# name, kind, price, sessions, used, bought days ago, expires in, plan (index in PLANS or
# None), frozen for 30 days).
PAPER_BOOK = "Chuyển từ sổ giấy"
PAPER_PACKAGES = (
    (0, "Gói 10 buổi chăm sóc da (sổ cũ)", "count", 5_980_000, 10, 2, 150, 10, None, False),
    (1, "Tặng 8 buổi gội đầu (sổ cũ)", "gift", 0, 8, 4, 30, 60, None, False),
    (2, "Thẻ năm chăm sóc tóc (sổ cũ)", "time", 1_980_000, 0, 0, 100, 265, None, False),
    (3, "Liệu trình 7 buổi massage (sổ cũ)", "count", 1_980_000, 7, 7, 200, 30, None, False),
    (4, "Gói 10 lần gội đầu (sổ cũ)", "count", 1_000_000, 10, 3, 60, 50, 0, True),
)
FROZEN_NOTE = "Khách về quê một tháng"
# The rest of the paper book: a product paid and left (customer, product index, quantity,
# paid); a General card's balance (paid, left) typed with a zero too many, reversed and
# typed again; points and vouchers. The customers are the showcase's (5 is at the cashier).
PAPER_PRODUCT = (5, 0, 2, 360_000)
PAPER_CARD = (6, 5_000_000, 3_250_000)
MISTYPED = "Gõ thừa một số 0: số dư đúng là 3.250.000 ₫"
PAPER_POINTS = 1_500
PAPER_VOUCHERS = 300_000
# Why a member is excluded from the loyalty programme (every excluded member has one).
EXCLUDED_REASONS = ("Khách yêu cầu không tham gia tích điểm",
                    "Nhân viên salon: không tích điểm",
                    "Một số điện thoại dùng chung cho nhiều người",
                    "Phát hiện tích điểm hộ, chủ salon tạm khoá")
# The care catalogue: (care type, reason), in the salon's order within each type.
CARE_REASONS = (("call", "Chúc mừng sinh nhật"), ("call", "Gọi hỏi thăm sau dịch vụ"),
                ("call", "Mời khách quay lại"), ("sms", "Thông báo khuyến mãi"),
                ("sms", "Nhắc lịch hẹn"), ("care", "Quà xin lỗi"),
                ("care", "Chăm sóc khách VIP"))


SHOWCASE = 10  # the first customers carry the guaranteed examples (every status, ...)


def _is_regular(k: int, n: int) -> bool:
    """One customer in a thousand is a regular with ~1,000 invoices; regulars are among the
    first tenth of customers, so they have been coming for years."""
    return k < n // 10 and k % 100 == 7


def _weighted_table(weights: list[int], size: int = 4096) -> list[int]:
    """A lookup table: table[int(random() * size)] picks index i with probability ∝ weight."""
    total = sum(weights)
    table: list[int] = []
    for i, w in enumerate(weights):
        table += [i] * round(w * size / total)
    while len(table) < size:
        table.append(max(range(len(weights)), key=weights.__getitem__))
    return table[:size]
