"""Which column is which: the header row of a sheet mapped to the import's own columns.

Each canonical column (``name``, ``phone``, ``points``…) has a label (the template's header
and the help sheet's name for it, in the desk's language), a line of help, and aliases in
English, Vietnamese and Chinese, as the reference products head their exports ("Họ tên",
"Số điện thoại", "Điểm tích lũy", "姓名", "手机", "积分"). A header is compared *folded*
(:func:`header_key`): diacritics, case, spaces and punctuation do not count, nor a part in
brackets ("Điểm (hiện có)", "Price paid (₫)") or the star that marks a required column, so
"SĐT", "sdt" and "S.Đ.T" are one header. The labels as translated in every catalogue the
desk ships are aliases too: a template written by a Vietnamese desk imports at a Chinese one.

Two sheets: ``customers`` (one row a customer: who they are and their balances) and
``holdings`` (one row a thing a customer still holds: a package, a card top-up, products
paid for and not yet collected). :func:`map_header` says which sheet a header row is and
which column each cell is; a header that names too little of either is not recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from salontui.i18n import N_, _
from salontui.store.text import fold

CUSTOMERS, HOLDINGS, CARE = "customers", "holdings", "care"


@dataclass(frozen=True)
class Column:
    """One column the import understands."""

    key: str
    label: str  # N_(): the template's header, translated where shown
    help: str  # N_(): the help sheet's line
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: object = None  # the template's example row


# -- the customers sheet -------------------------------------------------------------------

CARD_SEPARATOR = ";"  # between the named cards of one cell
CARD_AMOUNT = ":"  # between a card's name and its balance

CUSTOMER_COLUMNS: tuple[Column, ...] = (
    Column("code", N_("Code"), N_(
        "The customer's code (e.g. KH000123). Optional: a new customer without one gets the "
        "next code. An existing customer is found by phone first, then by code."),
        ("code", "customer code", "member code", "ma", "ma kh", "ma khach hang",
         "ma khach", "ma the", "ma hoi vien", "客户编号", "会员编号", "编号", "会员卡号",
         "卡号", "客户编码"),
           example="KH900001"),
    Column("name", N_("Name"), N_("The customer's full name. Required."),
           ("name", "full name", "customer name", "customer", "ho ten", "ho va ten",
            "ten khach hang", "ten", "khach hang", "ten khach", "姓名", "客户姓名",
            "会员姓名", "客户名称", "名字", "客户"),
           required=True, example="Nguyễn Thị Hương"),
    Column("phone", N_("Phone"), N_(
        "The customer's mobile number, with or without the country code "
        "(0935 320 888, +84 935 320 888). Required; two rows with one number are both "
        "refused."),
        ("phone", "phone number", "mobile", "mobile phone", "tel", "telephone", "cell",
         "so dien thoai", "sdt", "dien thoai", "di dong", "so di dong", "dt", "手机",
         "手机号", "手机号码", "电话", "联系电话", "电话号码", "移动电话"),
        required=True, example="0935 320 888"),
    Column("birthday", N_("Birthday"), N_(
        "The birthday: a date cell, or typed as the salon writes dates, or YYYY-MM-DD."),
        ("birthday", "date of birth", "dob", "birth date", "ngay sinh", "sinh nhat",
         "生日", "出生日期", "出生年月日")),
    Column("gender", N_("Gender"), N_("Female, male or other (F/M, Nữ/Nam, 女/男 too)."),
           ("gender", "sex", "gioi tinh", "性别"), example="F"),
    Column("email", N_("Email"), N_("The customer's email address."),
           ("email", "e mail", "mail", "thu dien tu", "邮箱", "电子邮箱", "电子邮件")),
    Column("address", N_("Address"), N_("The customer's address."),
           ("address", "dia chi", "地址", "住址", "联系地址"), example="12 Lê Lợi, Đà Nẵng"),
    Column("note", N_("Note"), N_("A note kept on the customer (allergies, preferences)."),
           ("note", "notes", "remark", "remarks", "comment", "ghi chu", "备注", "说明")),
    Column("tier", N_("Tier"), N_(
        "A tier of the salon's ladder, by its name. Optional: given, the customer is moved "
        "to it by hand (the reason names the file)."),
        ("tier", "level", "member tier", "membership", "rank", "hang", "hang thanh vien",
         "hang the", "hang hoi vien", "cap do", "cap bac", "等级", "会员等级", "级别",
         "会员级别")),
    Column("points", N_("Points"), N_(
        "Points held. Added to what the customer has, or with 'reset' what they have "
        "after the import."),
        ("points", "point", "loyalty points", "diem", "diem tich luy", "diem thuong",
         "diem hien co", "so diem", "积分", "可用积分", "剩余积分", "当前积分", "会员积分"),
        example=1200),
    Column("value", N_("Stored value"), N_(
        "Money left on the general stored-value card: always added, as a top-up paid and "
        "credited with this amount (for a bonus paid vs credited, use a top-up row of the "
        "holdings sheet)."),
        ("stored value", "balance", "general card", "card balance", "so du", "so du the",
         "tien trong the", "tai khoan", "so du tai khoan", "the chung", "储值", "储值余额",
         "余额", "卡内余额", "账户余额", "储值卡余额"),
        example=500000),
    Column("cards", N_("Named cards"), N_(
        "Money left on named cards (card types of the back office), in one cell: "
        "'Gold card: 500000; Spa: 200000' (a card's name, a colon, its balance; cards "
        "separated by semicolons or lines). Always added."),
        ("named cards", "cards", "sub cards", "the con", "cac the", "the phu", "副卡",
         "子卡", "卡项", "副卡余额")),
    Column("debt", N_("Debt"), N_("What the customer owes the salon. Always added."),
           ("debt", "owes", "owed", "cong no", "con no", "so tien no", "no khach hang", "欠款",
            "挂账", "欠款金额")),
    Column("spend", N_("Ranking spend"), N_(
        "Accumulated spend that ranks the customer on the tiers (tiền tích lũy). Added, "
        "or with 'reset' the ranking spend after the import."),
        ("spend", "accumulated spend", "total spend", "ranking spend", "tien tich luy",
         "tong chi tieu", "doanh so tich luy", "tong tien tich luy", "chi tieu tich luy",
         "累计消费", "消费总额", "累计消费金额", "累计金额"),
        example=3500000),
    Column("vouchers", N_("Vouchers"), N_("Voucher value held (代金券). Always added."),
           ("vouchers", "voucher", "voucher balance", "phieu qua tang", "phieu giam gia",
            "so du voucher", "代金券", "代金券余额")),
)

# -- the holdings sheet ----------------------------------------------------------------------

# The kinds of a holdings row, as the file may write them (folded, see header_key).
PACKAGE, TIME, GIFT, TOPUP, PRODUCT = "package", "time", "gift", "topup", "product"
KIND_WORDS: dict[str, tuple[str, ...]] = {
    PACKAGE: ("package", "count", "count card", "course", "goi", "goi dich vu", "the lan",
              "lieu trinh", "疗程", "疗程卡", "次卡", "套餐", "计次卡"),
    TIME: ("time", "time card", "the thoi han", "the thang", "the nam", "thoi han",
           "时间卡", "期限卡", "月卡", "年卡"),
    GIFT: ("gift", "gift package", "qua tang", "goi tang", "tang", "赠送", "赠送疗程",
           "赠品"),
    TOPUP: ("topup", "top up", "card", "stored value", "nap the", "nap tien", "the",
            "the tra truoc", "充值", "储值", "储值卡"),
    PRODUCT: ("product", "products", "san pham", "hang gui", "chua lay", "产品", "商品",
              "待出库", "寄存"),
}
KIND_LABELS = {PACKAGE: N_("package"), TIME: N_("time"), GIFT: N_("gift"),
               TOPUP: N_("top-up"), PRODUCT: N_("product")}

HOLDING_COLUMNS: tuple[Column, ...] = (
    Column("phone", N_("Customer phone"), N_(
        "Whose it is: the customer's phone (a customer of the customers sheet, or one the "
        "salon has). Or their code."),
        ("customer phone", "phone", "so dien thoai", "sdt", "dien thoai", "sdt khach",
         "手机", "手机号", "手机号码", "电话", "联系电话", "客户手机"),
        example="0935 320 888"),
    Column("code", N_("Customer code"), N_("Whose it is, by the customer's code."),
           ("customer code", "code", "ma kh", "ma khach hang", "ma", "客户编号", "会员编号",
            "编号", "会员卡号")),
    Column("kind", N_("Kind"), N_(
        "What it is: package (a count card), time (a time card), gift (gift sessions), "
        "top-up (money on a card) or product (paid, not yet collected). Required."),
        ("kind", "type", "loai", "the loai", "类型", "类别", "种类"), required=True),
    Column("package", N_("Package"), N_(
        "A package: the plan's code or name in the catalogue. A name the catalogue does "
        "not know is taken as the package's own name if its kind, sessions (or expiry) "
        "and price are given."),
        ("package", "plan", "plan code", "package name", "goi", "ten goi", "goi dich vu",
         "lieu trinh", "ma goi", "疗程", "疗程卡", "套餐", "疗程名称", "套餐名称")),
    Column("paid", N_("Paid"), N_(
        "What was paid: a package's price, a top-up's amount paid, the products' amount "
        "paid. In the currency's unit."),
        ("paid", "price paid", "amount paid", "price", "gia", "gia mua", "da tra",
         "so tien", "thanh tien", "da thanh toan", "so tien da tra", "实付", "实付金额",
         "价格", "售价", "金额", "支付金额", "购买金额")),
    Column("credited", N_("Credited"), N_(
        "A top-up: the balance left on the card (empty: as paid)."),
        ("credited", "balance", "balance left", "amount credited", "so du", "so du con lai",
         "ghi co", "con lai tren the", "到账", "到账金额", "余额", "剩余金额")),
    Column("sessions", N_("Total sessions"), N_(
        "A package: its sessions (from the plan when empty; none for a time card)."),
        ("total sessions", "sessions", "so buoi", "tong so buoi", "tong buoi",
         "so lan", "总次数", "次数", "总数")),
    Column("used", N_("Sessions used"), N_("A package: sessions already used (0 if empty)."),
           ("sessions used", "used", "da dung", "so buoi da dung", "da su dung", "已用次数",
            "已使用", "已用", "已消费次数")),
    Column("left", N_("Sessions left"), N_(
        "A package: sessions left, instead of used (used = total − left)."),
        ("sessions left", "left", "remaining", "con lai", "so buoi con lai", "剩余次数",
         "剩余")),
    Column("purchased", N_("Purchase date"), N_("A package: the day it was bought."),
           ("purchase date", "purchased", "bought on", "ngay mua", "ngay ban", "购买日期",
            "购买时间", "开卡日期")),
    Column("expires", N_("Expiry"), N_(
        "A package: the day it expires (empty: the plan's validity from the purchase date; "
        "a package without a plan, or whose plan has no validity, needs one)."),
        ("expiry", "expires", "expiry date", "valid until", "han dung", "ngay het han",
         "han su dung", "het han", "到期日", "到期时间", "有效期至", "到期日期")),
    Column("card", N_("Card"), N_(
        "A top-up: the card's name (a card type of the back office; empty: the general "
        "card)."),
        ("card", "card name", "card type", "the", "loai the", "ten the", "卡", "卡名",
         "卡类型", "卡名称")),
    Column("product", N_("Product"), N_("Products: the product's code or name."),
           ("product", "san pham", "ten san pham", "ma san pham", "产品", "商品", "产品名称",
            "商品名称")),
    Column("quantity", N_("Quantity"), N_("Products: how many are left to collect."),
           ("quantity", "qty", "so luong", "sl", "数量")),
    Column("note", N_("Note"), N_("A note kept with what was brought in."),
           ("note", "notes", "remark", "ghi chu", "备注")),
)

# -- the care actions file -------------------------------------------------------------------

CARE_ACTIONS: dict[str, tuple[str, ...]] = {
    "give_points": ("give points", "add points", "points", "tang diem", "cong diem",
                    "赠送积分", "增加积分", "加积分"),
    "deduct_points": ("deduct points", "take points", "tru diem", "扣除积分", "扣积分",
                      "减积分"),
    "give_spend": ("give spend", "add spend", "spend", "tang tich luy", "cong tich luy",
                   "tang tien tich luy", "增加累计消费", "加累计消费"),
    "deduct_spend": ("deduct spend", "take spend", "tru tich luy", "tru tien tich luy",
                     "扣除累计消费", "减累计消费"),
}

CARE_ACTION_LABELS = {"give_points": N_("give points"), "deduct_points": N_("deduct points"),
                      "give_spend": N_("give spend"), "deduct_spend": N_("deduct spend")}

CARE_COLUMNS: tuple[Column, ...] = (
    Column("phone", N_("Phone"), N_("The customer's phone. Required."),
           CUSTOMER_COLUMNS[2].aliases, required=True, example="0935 320 888"),
    Column("action", N_("Action"), N_(
        "give points, deduct points, give spend or deduct spend. Required."),
        ("action", "hanh dong", "thao tac", "loai", "操作", "动作"), required=True,
        example="give points"),
    Column("care_type", N_("Care type"), N_(
        "care, treatment, call, SMS or email (as the care catalogue lists them). Required."),
        ("care type", "type of care", "loai cham soc", "关怀类型", "类型"), required=True,
        example="care"),
    Column("reason", N_("Reason"), N_(
        "A reason of that care type in the salon's care catalogue. Required."),
        ("reason", "care reason", "ly do", "原因", "关怀原因"), required=True),
    Column("value", N_("Value"), N_(
        "How many points, or how much spend (in the currency's unit). Required."),
        ("value", "amount", "gia tri", "so luong", "so diem", "so tien", "数值", "数量",
         "金额"), required=True, example=100),
    Column("note", N_("Note"), N_("A note: each customer's care history says it."),
           ("note", "notes", "remark", "ghi chu", "备注")),
)

COLUMNS_OF = {CUSTOMERS: CUSTOMER_COLUMNS, HOLDINGS: HOLDING_COLUMNS, CARE: CARE_COLUMNS}

# What a header row must name for the sheet to be taken as that sheet.
NEEDED = {CUSTOMERS: ({"name", "phone"},),
          HOLDINGS: ({"kind", "phone"}, {"kind", "code"}),
          CARE: ({"phone", "action"},)}

_BRACKETS = re.compile(r"[\(\[（【〔][^\)\]）】〕]*[\)\]）】〕]")


def header_key(text: object) -> str:
    """A header (or a kind, a gender…) folded for comparing: 'Số điện thoại (*)' and
    'SO DIEN THOAI' → 'sodienthoai'."""
    if text is None:
        return ""
    raw = _BRACKETS.sub("", str(text))
    return "".join(ch for ch in fold(raw) if ch.isalnum())


@cache
def _catalogues() -> tuple:
    """The gettext catalogue of every language the desk ships."""
    import gettext

    from salontui.i18n import DOMAIN, LOCALE_DIR

    found = []
    for folder in sorted(LOCALE_DIR.iterdir()) if LOCALE_DIR.is_dir() else ():
        try:
            found.append(gettext.translation(DOMAIN, localedir=LOCALE_DIR,
                                             languages=[folder.name]))
        except OSError:
            continue
    return tuple(found)


@cache
def translations_of(message: str) -> tuple[str, ...]:
    """``message`` as every shipped catalogue translates it (those that do): a template's
    header written in one language is read in another, a built-in tier's or card's name
    typed in the desk's language is found."""
    said = [catalogue.gettext(message) for catalogue in _catalogues()]
    return tuple(dict.fromkeys(text for text in said if text != message))


@cache
def alias_table(sheet: str) -> dict[str, str]:
    """Folded header → canonical column, for ``sheet``. The first column to claim an alias
    keeps it."""
    table: dict[str, str] = {}
    for column in COLUMNS_OF[sheet]:
        for alias in (column.key, column.label, *translations_of(column.label),
                      *column.aliases):
            table.setdefault(header_key(alias), column.key)
    return table


@dataclass(frozen=True)
class HeaderMap:
    """A recognised header row: which sheet it is and where each column is."""

    sheet: str  # CUSTOMERS / HOLDINGS / CARE
    columns: dict[str, int]  # canonical column → index in the row
    headers: dict[str, str]  # canonical column → the header as the file writes it
    unknown: tuple[str, ...]  # headers of the row that name nothing (left alone)


def map_header(cells: tuple | list, *, sheets: tuple[str, ...] = (CUSTOMERS, HOLDINGS)
               ) -> HeaderMap | None:
    """The sheet a header row is (of ``sheets``) and its columns; None when it names too
    little of any (a title line, a help sheet, data). The sheet that recognises the most
    columns wins; a column named twice is taken where it is first."""
    best: HeaderMap | None = None
    for sheet in sheets:
        table = alias_table(sheet)
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        unknown: list[str] = []
        for index, cell in enumerate(cells):
            key = header_key(cell)
            if not key:
                continue
            found = table.get(key)
            if found is None or found in columns:
                unknown.append(str(cell).strip())
                continue
            columns[found] = index
            headers[found] = " ".join(str(cell).split())
        if not any(need <= columns.keys() for need in NEEDED[sheet]):
            continue
        if best is None or len(columns) > len(best.columns):
            best = HeaderMap(sheet=sheet, columns=columns, headers=headers,
                             unknown=tuple(unknown))
    return best


def column_label(sheet: str, key: str) -> str:
    """A canonical column's label in the desk's language."""
    for column in COLUMNS_OF[sheet]:
        if column.key == key:
            return _(column.label)
    return key


_WORD_TABLES: dict[int, dict[str, str]] = {}


def word_of(text: object, words: dict[str, tuple[str, ...]],
            labels: dict[str, str] | None = None) -> str | None:
    """Which of ``words`` (value → its spellings; a module's constant) ``text`` is,
    folded; None if none. ``labels`` (value → its N_() label) adds each label as every
    shipped catalogue translates it (what a template written at a desk says)."""
    key = header_key(text)
    if not key:
        return None
    table = _WORD_TABLES.get(id(words))
    if table is None:
        table = {}
        for value, spellings in words.items():
            label = (labels or {}).get(value)
            said = (label, *translations_of(label)) if label else ()
            for spelling in (value, *spellings, *said):
                table.setdefault(header_key(spelling), value)
        _WORD_TABLES[id(words)] = table
    return table.get(key)
