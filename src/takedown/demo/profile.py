"""The demo program's calibration: brands, IPP accounts, platforms, reasons and rights.

Every number here is a setting of the generator, with a one-line reason. Published figures are
named in the package docstring (takedown.demo); the rest are stated assumptions chosen to look like
a mid-size program, not measurements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ------------------------------------------------------------------------------------ platforms


@dataclass(frozen=True)
class Market:
    """Where a platform's listing is sold: country, currency and the site's domain."""

    country: str
    currency: str
    weight: float
    domain: str


@dataclass(frozen=True)
class PlatformProfile:
    """How one marketplace behaves in the demo."""

    name: str
    # Share of this platform's items decided (removed or rejected) within 24 hours of submission.
    within_24h: float
    # Mean hours to the first decision among items decided within 24 hours.
    on_time_mean_hours: float
    # Mean extra hours beyond the first day for the items decided late.
    late_mean_extra_hours: float
    # Share of complaint items the platform rejects, before the account's own factor.
    rejection_rate: float
    # Language of titles and seller names: "zh" on the Chinese domestic sites, else "en".
    language: str
    markets: tuple[Market, ...]
    # The genuine product's price here as a share of its retail price (B2B wholesale is cheapest).
    price_factor: float
    # Median units sold shown on a listing page (wholesale and domestic sites show big numbers).
    units_median: float
    # The platform's item ids: a fixed prefix then digits, unique per listing.
    listing_id_prefix: str
    url_template: str  # {domain} and {listing_id} are filled in
    seller_id_prefix: str


# Not a duplicate: same-shaped rows of a data table (one platform's profile each), no logic repeated.
PLATFORMS: tuple[PlatformProfile, ...] = (
    PlatformProfile("alibaba", 0.97, 5.0, 30.0, 0.030, "en",
                    (Market("CN", "USD", 0.93, "www.alibaba.com"), Market("HK", "USD", 0.07, "www.alibaba.com")),
                    0.10, 60, "1600", "https://{domain}/product-detail/{listing_id}.html", "cn"),
    PlatformProfile("aliexpress", 0.95, 6.0, 36.0, 0.040, "en",
                    (Market("CN", "USD", 0.80, "www.aliexpress.com"), Market("CN", "EUR", 0.20, "www.aliexpress.com")),
                    0.22, 35, "1005", "https://{domain}/item/{listing_id}.html", ""),
    PlatformProfile("taobao", 0.92, 7.0, 40.0, 0.050, "zh",
                    (Market("CN", "CNY", 1.0, "item.taobao.com"),),
                    0.30, 120, "6", "https://{domain}/item.htm?id={listing_id}", ""),
    PlatformProfile("tmall", 0.88, 8.0, 48.0, 0.080, "zh",
                    (Market("CN", "CNY", 1.0, "detail.tmall.com"),),
                    0.65, 200, "7", "https://{domain}/item.htm?id={listing_id}", ""),
    PlatformProfile("tmall_global", 0.85, 9.0, 60.0, 0.070, "zh",
                    (Market("HK", "HKD", 0.35, "detail.tmall.hk"), Market("CN", "CNY", 0.65, "detail.tmall.hk")),
                    0.70, 80, "8", "https://{domain}/hk/item.htm?id={listing_id}", ""),
    PlatformProfile("1688", 0.94, 6.5, 36.0, 0.040, "zh",
                    (Market("CN", "CNY", 1.0, "detail.1688.com"),),
                    0.08, 300, "7", "https://{domain}/offer/{listing_id}.html", "b2b-22"),
    PlatformProfile("lazada", 0.72, 12.0, 72.0, 0.070, "en",
                    (Market("MY", "MYR", 0.25, "www.lazada.com.my"), Market("SG", "SGD", 0.10, "www.lazada.sg"),
                     Market("TH", "THB", 0.20, "www.lazada.co.th"), Market("ID", "IDR", 0.20, "www.lazada.co.id"),
                     Market("PH", "PHP", 0.15, "www.lazada.com.ph"), Market("VN", "VND", 0.10, "www.lazada.vn")),
                    0.30, 25, "3", "https://{domain}/products/i{listing_id}.html", ""),
)
PLATFORM_NAMES = tuple(platform.name for platform in PLATFORMS)
PLATFORM_INDEX = {name: index for index, name in enumerate(PLATFORM_NAMES)}

# Approximate 2025 mid-market rates (units of the currency per US dollar): local prices where the
# exchange-rate table has no rate (VND, or a month beyond it; listings.py prices at the table's rates).
USD_RATES: dict[str, float] = {
    "USD": 1.0, "CNY": 7.2, "MYR": 4.5, "SGD": 1.35, "THB": 35.0, "IDR": 16_000.0, "PHP": 57.0,
    "VND": 25_000.0, "HKD": 7.8, "EUR": 0.92,
}
# Currencies priced in whole units on listing pages.
WHOLE_UNIT_CURRENCIES = frozenset({"IDR", "VND"})
# Lazada cross-border sellers (LazGlobal) ship from China into every market.
LAZADA_CROSS_BORDER_SHARE = 0.30

# ---------------------------------------------------------------------------------- accounts


@dataclass(frozen=True)
class Quality:
    """How an account's complaints fare; the factors multiply the platform's base rates."""

    # Multiplies the platform's rejection rate (weak evidence, wrong right cited -> more rejections).
    rejection_factor: float
    # Share of removed items whose seller files a counter-notice.
    counter_notice_rate: float
    # Share of counter-notices the account never answers within the 72-hour window.
    missed_response_share: float
    # Share of counter-notices the account accepts (an authorised reseller, a wrong URL).
    accepted_share: float


@dataclass(frozen=True)
class AccountProfile:
    """One IPP account that files complaints."""

    name: str
    platform_weights: dict[str, float]
    # Hours ahead of UTC of the team's working day (complaints are filed in office hours).
    utc_offset_hours: int
    quality: Quality
    # Quality over the latest calendar months, when the account slips (None: steady).
    slipping: Quality | None = None
    # Calendar months, counted back from the current one, over which the slip is in full effect.
    slipping_months: int = 3


ACCOUNTS: tuple[AccountProfile, ...] = (
    # The brand's in-house team: careful evidence, fast answers; comfortably in Good-Faith standing.
    AccountProfile("northwind-brand-protection",
                   {"alibaba": .25, "aliexpress": .20, "taobao": .18, "tmall": .05, "tmall_global": .03,
                    "1688": .20, "lazada": .09},
                   8, Quality(0.5, 0.025, 0.04, 0.10)),
    # A skincare brand's own team in Shanghai, mostly on the domestic sites; it exports from the portal.
    AccountProfile("lumiere-ipp",
                   {"alibaba": .06, "aliexpress": .14, "taobao": .36, "tmall": .15, "tmall_global": .08,
                    "1688": .11, "lazada": .10},
                   8, Quality(0.9, 0.03, 0.08, 0.15)),
    # An outdoor brand's legal team in Munich.
    AccountProfile("trailpeak-legal",
                   {"alibaba": .20, "aliexpress": .30, "taobao": .18, "tmall": .05, "tmall_global": .03,
                    "1688": .15, "lazada": .09},
                   1, Quality(0.8, 0.03, 0.06, 0.15)),
    # An enforcement agency in Kuala Lumpur filing for two brands; it changed staff and is slipping:
    # weaker evidence (more rejections) and counter-notices left unanswered in the latest months.
    AccountProfile("apex-ip-agency",
                   {"alibaba": .15, "aliexpress": .28, "taobao": .10, "tmall": .03, "tmall_global": .02,
                    "1688": .05, "lazada": .37},
                   8, Quality(1.0, 0.03, 0.10, 0.15),
                   slipping=Quality(2.6, 0.11, 0.55, 0.15)),
)
ACCOUNT_NAMES = tuple(account.name for account in ACCOUNTS)
ACCOUNT_INDEX = {name: index for index, name in enumerate(ACCOUNT_NAMES)}
HEALTHY_ACCOUNT = "northwind-brand-protection"
SLIPPING_ACCOUNT = "apex-ip-agency"
# The account whose Chinese-site complaints come as a portal export (GB18030 CSV, China time).
PORTAL_ACCOUNT = "lumiere-ipp"
PORTAL_PLATFORMS = ("taobao", "tmall", "tmall_global", "1688")
# The portal export covers the latest calendar months (the team downloads it once in a while).
PORTAL_MONTHS = 2
# The time zone of the IPP portal's exports.
PORTAL_TIMEZONE = "Asia/Shanghai"

# ------------------------------------------------------------------------------------ reasons


@dataclass(frozen=True)
class ReasonProfile:
    """A reason chosen in IPP: the right it relies on and the infringements it covers."""

    text: str
    ipr_type: str
    infringement_types: dict[str, float]


REASONS: tuple[ReasonProfile, ...] = (
    ReasonProfile("Counterfeit goods", "trademark", {"counterfeit": 1.0}),
    ReasonProfile("Unauthorized use of trademark", "trademark", {"trademark_misuse": 0.8, "counterfeit": 0.2}),
    ReasonProfile("Unauthorized use of copyrighted images", "copyright", {"copyright": 0.7, "lookalike": 0.3}),
    ReasonProfile("Design right infringement", "design", {"design": 0.6, "lookalike": 0.4}),
    ReasonProfile("Patent infringement", "patent", {"patent": 1.0}),
)
REASON_INDEX = {reason.text: index for index, reason in enumerate(REASONS)}
INFRINGEMENT_TYPES = ("counterfeit", "lookalike", "trademark_misuse", "copyright", "design", "patent")
# What the tools call the retail-priced listings nobody files on (plan.RETAIL_DETECTION_SHARE): genuine
# goods under the brand's name (an unauthorised reseller), a reseller's copied product photos, a
# product that merely looks like the brand's.
RETAIL_DETECTION_TYPES: dict[str, float] = {"trademark_misuse": 0.5, "copyright": 0.3, "lookalike": 0.2}

# --------------------------------------------------------------------------------------- brands


@dataclass(frozen=True)
class Product:
    """A genuine product that counterfeiters copy: names in English and Chinese, models."""

    english: str
    chinese: str
    models: tuple[str, ...]


# Not a duplicate of report.data.ReportData: dataclass field lists of the same shape, no logic.
@dataclass(frozen=True)
class BrandProfile:
    """A brand the program protects."""

    name: str
    chinese_name: str
    # Share of the program's complaint items filed for this brand.
    share: float
    accounts: dict[str, float]
    reasons: dict[str, float]
    # Typical genuine retail price in US dollars, the anchor of every listing's price.
    retail_usd: float
    products: tuple[Product, ...]
    registrant: str


BRANDS: tuple[BrandProfile, ...] = (
    BrandProfile("Northwind Audio", "诺风", 0.45,
                 {"northwind-brand-protection": 0.78, "apex-ip-agency": 0.22},
                 {"Counterfeit goods": .50, "Unauthorized use of trademark": .15,
                  "Unauthorized use of copyrighted images": .12, "Design right infringement": .15,
                  "Patent infringement": .08},
                 129.0,
                 (Product("Wireless Earbuds", "无线蓝牙耳机", ("NW-Pods 3", "NW-Pods Pro", "Air S2")),
                  Product("Noise Cancelling Headphones", "头戴式降噪耳机", ("H700", "H900 Max")),
                  Product("Portable Bluetooth Speaker", "便携蓝牙音箱", ("Boom 2", "Pulse Mini")),
                  Product("Charging Case", "耳机充电仓", ("for NW-Pods 3", "for Air S2"))),
                 "Northwind Audio Ltd"),
    BrandProfile("Lumiere Skincare", "露米尔", 0.30,
                 {"lumiere-ipp": 1.0},
                 {"Counterfeit goods": .62, "Unauthorized use of trademark": .13,
                  "Unauthorized use of copyrighted images": .20, "Design right infringement": .05},
                 58.0,
                 (Product("Vitamin C Serum 30ml", "维C精华液 30ml", ("Radiance", "Bright+")),
                  Product("Night Repair Cream 50ml", "夜间修护面霜 50ml", ("Classic", "Intense")),
                  Product("Hydrating Toner 200ml", "补水爽肤水 200ml", ("Rose", "Green Tea")),
                  Product("Sunscreen SPF50 PA++++", "防晒霜 SPF50 PA++++", ("Daily", "Sport"))),
                 "Lumiere Cosmetiques SAS"),
    BrandProfile("Trailpeak", "径峰", 0.25,
                 {"trailpeak-legal": 0.55, "apex-ip-agency": 0.45},
                 {"Counterfeit goods": .55, "Unauthorized use of trademark": .10,
                  "Unauthorized use of copyrighted images": .10, "Design right infringement": .20,
                  "Patent infringement": .05},
                 189.0,
                 (Product("Waterproof Hiking Jacket", "防水冲锋衣", ("Summit GTX", "Ridge 2L")),
                  Product("Trekking Backpack 45L", "登山双肩包 45L", ("Alpine 45", "Ultra 38")),
                  Product("Trail Running Shoes", "越野跑鞋", ("Scree 4", "Talus")),
                  Product("Down Vest", "羽绒背心", ("Loft 800",))),
                 "Trailpeak GmbH"),
)
BRAND_NAMES = tuple(brand.name for brand in BRANDS)

# ------------------------------------------------------------------------------------- rights


@dataclass(frozen=True)
class RightProfile:
    """A registered right; expiry is given relative to the program's end so the story stays current."""

    registration: str
    ipr_type: str
    brand: str
    jurisdiction: str
    goods_classes: str
    # Days from the program's end to expiry (negative: already expired); None: no expiry recorded.
    expires_in_days: int | None
    ipp_status: str
    # Platforms whose complaints cite this right (empty: not cited).
    platforms: tuple[str, ...] = field(default=())
    # Accounts that cite it (empty: every account filing for the brand).
    accounts: tuple[str, ...] = field(default=())


_CN = ("taobao", "tmall", "tmall_global", "1688", "alibaba")
_GLOBAL = ("alibaba", "aliexpress")
RIGHTS: tuple[RightProfile, ...] = (
    RightProfile("TM-CN-38112045", "trademark", "Northwind Audio", "CN", "9", 2100, "verified", _CN),
    RightProfile("TM-US-6021437", "trademark", "Northwind Audio", "US", "9", 1500, "verified", _GLOBAL),
    RightProfile("TM-MY-2019004521", "trademark", "Northwind Audio", "MY", "9", 55, "verified", ("lazada",)),
    RightProfile("CR-CN-2021-F-0098812", "copyright", "Northwind Audio", "CN", "", None, "verified",
                 _CN + ("aliexpress", "lazada")),
    RightProfile("DES-CN-ZL202130541877", "design", "Northwind Audio", "CN", "", 2900, "verified", _CN + _GLOBAL),
    RightProfile("DES-EU-008654321-0001", "design", "Northwind Audio", "EU", "", 1200, "verified", ("lazada",)),
    RightProfile("PT-CN-ZL202010876543", "patent", "Northwind Audio", "CN", "", 4300, "verified",
                 _CN + _GLOBAL + ("lazada",)),
    RightProfile("TM-CN-41235567", "trademark", "Lumiere Skincare", "CN", "3", 80, "verified", _CN),
    RightProfile("TM-EU-017889231", "trademark", "Lumiere Skincare", "EU", "3", 2600, "verified",
                 _GLOBAL + ("lazada",)),
    RightProfile("CR-FR-2020-IMG-0042", "copyright", "Lumiere Skincare", "FR", "", None, "verified",
                 _CN + ("aliexpress", "lazada")),
    RightProfile("DES-CN-ZL202230298110", "design", "Lumiere Skincare", "CN", "", 3100, "verified",
                 _CN + _GLOBAL + ("lazada",)),
    RightProfile("TM-CN-29876104", "trademark", "Trailpeak", "CN", "18;25", 1800, "verified", _CN),
    RightProfile("TM-EU-016550987", "trademark", "Trailpeak", "EU", "18;25", 20, "verified", _GLOBAL),
    RightProfile("TM-SG-40201912345T", "trademark", "Trailpeak", "SG", "25", 1900, "verified", ("lazada",),
                 ("trailpeak-legal",)),
    # Expired in the last months and not renewed, yet the agency keeps citing it on Lazada.
    RightProfile("TM-MY-2014061187", "trademark", "Trailpeak", "MY", "25", -45, "verified", ("lazada",),
                 ("apex-ip-agency",)),
    RightProfile("CR-DE-2019-0712", "copyright", "Trailpeak", "DE", "", None, "verified",
                 _CN + ("aliexpress", "lazada")),
    RightProfile("DES-EU-007712345-0002", "design", "Trailpeak", "EU", "", 900, "verified",
                 _CN + _GLOBAL + ("lazada",)),
    RightProfile("PT-US-11234567", "patent", "Trailpeak", "US", "", 3600, "verified", _CN + _GLOBAL + ("lazada",)),
    # Recently filed in IPP, not yet verified, so not cited.
    RightProfile("TM-TH-250112233", "trademark", "Northwind Audio", "TH", "9", 3650, "pending"),
    # Refused by IPP (the certificate was illegible); never cited.
    RightProfile("TM-ID-IDM000998877", "trademark", "Trailpeak", "ID", "25", 2400, "rejected"),
)
# Once its right has expired, this share of an item's complaints is rejected for that reason.
EXPIRED_RIGHT_REJECTION_RATE = 0.60
