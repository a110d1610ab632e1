"""The words of the demo: listing titles, seller names, and the details platforms and sellers write.

Titles follow the habits of real counterfeit listings: the brand's name and "Original" on
counterfeits, "for <brand>" on trademark misuse, and "大牌同款" (big-brand look) or no brand at all
on lookalikes. Chinese on the domestic sites, English elsewhere. A few titles and seller names are
hostile, as scraped text can be: formulas and script tags that must be stored verbatim and escaped
wherever they are shown.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from takedown.demo.profile import BRANDS, INFRINGEMENT_TYPES

# Hostile titles and seller names injected verbatim into the exports (the data-quality story).
HOSTILE_TITLES = ('=HYPERLINK("http://x","y")', "<script>alert(1)</script>", "+cmd", "@SUM(1)")
HOSTILE_SELLER_NAMES = ("=cmd|' /C calc'!A0", "<img src=x onerror=alert(1)>")

SELLER_NAME_PARTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("Shenzhen", "Guangzhou", "Yiwu", "Dongguan", "Putian", "Ningbo", "Shantou", "Xiamen", "Hangzhou",
         "Quanzhou", "Foshan", "Jinjiang"),
        ("Hongda", "Xinhui", "Jiayi", "Ruifeng", "Kaisheng", "Meilin", "Topwin", "Goldsea", "Bestway", "Sunrise",
         "Everbright", "Lucky Star", "Oriental", "Greatwall"),
        ("Electronics", "Digital", "Trading", "Beauty", "Sports", "Outdoor", "Technology", "Import & Export",
         "Cosmetics", "Garment"),
        ("Co., Ltd.", "Store", "Official Store", "Trading Co., Ltd.", "Flagship Shop", "Mall", "Factory Store"),
    ),
    "zh": (
        ("深圳市", "广州市", "义乌市", "东莞市", "莆田市", "宁波市", "汕头市", "厦门市", "杭州市", "泉州市", "佛山市",
         "晋江市"),
        ("鸿达", "新辉", "佳艺", "瑞丰", "凯盛", "美林", "金海", "百佳", "旭日", "优品", "恒通", "顺发", "东方",
         "长城"),
        ("电子", "数码", "贸易", "美妆", "运动", "户外", "科技", "进出口", "化妆品", "服饰"),
        ("有限公司", "专营店", "旗舰店", "商行", "官方店", "工厂店", "小店"),
    ),
}

# Per infringement type, three ways its listings name (or avoid) the brand. {b}: brand, {z}: Chinese name.
# Not a duplicate: the English and Chinese token tables are data of the same shape, one per language.
_BRAND_TOKENS_EN = {
    "counterfeit": ("{b}", "Original {b}", "{b} Genuine"),
    "lookalike": ("Premium", "{b} Style", "Luxury"),
    "trademark_misuse": ("for {b}", "Compatible with {b}", "{b} Replacement"),
    "copyright": ("{b}", "Official Photo", "Best Seller"),
    "design": ("New Design", "{b} Style", "Same As Picture"),
    "patent": ("Upgraded", "Pro Version", "Smart"),
}
_BRAND_TOKENS_ZH = {
    "counterfeit": ("{b}/{z}", "{z}正品", "{b} {z}"),
    "lookalike": ("大牌同款", "{z}同款", "轻奢"),
    "trademark_misuse": ("适用{z}", "兼容{b}", "{z}替换"),
    "copyright": ("{z}", "官方图", "爆款"),
    "design": ("新款", "{z}同款", "同款"),
    "patent": ("升级版", "Pro版", "智能"),
}
_MODIFIERS = {
    "en": ("Original", "Genuine Quality", "Wholesale", "Free Shipping", "2025 New", "Hot Sale", "OEM",
           "Factory Price", "High Quality", "Fast Delivery"),
    "zh": ("原装正品", "专柜同款", "原单", "2025新款", "包邮", "厂家直销", "官方正品", "现货速发", "高品质", "批发"),
}

REJECTION_DETAILS = {
    "en": ("Insufficient evidence: please provide a test purchase or a side-by-side comparison",
           "The listing does not display the registered trademark",
           "The seller provided proof of authorised distribution",
           "The cited right does not cover the goods in this listing",
           "Duplicate of a complaint already processed"),
    "zh": ("证据不足，请提供购买凭证或对比图", "商品页面未使用所述商标", "卖家已提供授权经销证明",
           "所述权利不涵盖该商品类别", "重复投诉，已处理"),
}
EXPIRED_RIGHT_DETAIL = {"en": "The cited IPR certificate has expired", "zh": "所述知识产权证书已过期"}
COUNTER_NOTICE_DETAILS = {
    "en": ("Seller states the goods are genuine and attached a purchase invoice",
           "Seller claims to be an authorised reseller",
           "Seller states the product is its own design",
           "Seller states the photos were taken by its own studio"),
    "zh": ("卖家声称为正品，已提供进货发票", "卖家声称为授权经销商", "卖家声称为自主设计产品",
           "卖家声称图片为自行拍摄"),
}
UPHELD_DETAIL = {"en": "Takedown upheld after review of the counter-notice", "zh": "经复核，维持删除"}
RESTORED_MISSED_DETAIL = {"en": "Restored: the counter-notice was not answered within 3 days",
                          "zh": "权利人未在3天内回复反通知，商品已恢复"}
RESTORED_REVIEW_DETAIL = {"en": "Restored after review of the seller's evidence", "zh": "经复核卖家证据，商品已恢复"}
ACCEPTED_DETAIL = {"en": "Counter-notice accepted: authorised reseller confirmed",
                   "zh": "已接受反通知：确认为授权经销商"}
WITHDRAWN_DETAIL = {"en": "Withdrawn by the rights holder: listing filed in error", "zh": "权利人撤回投诉"}


def _token_table(tokens: dict[str, tuple[str, ...]]) -> list[str]:
    """Every (brand, infringement type, variant) token, flattened in that order."""
    table = []
    for brand in BRANDS:
        for infringement in INFRINGEMENT_TYPES:
            for variant in tokens[infringement]:
                table.append(variant.format(b=brand.name, z=brand.chinese_name))
    return table


_VARIANTS = 3
_TOKENS_EN = _token_table(_BRAND_TOKENS_EN)
_TOKENS_ZH = _token_table(_BRAND_TOKENS_ZH)
_PRODUCT_EN = [product.english for brand in BRANDS for product in brand.products]
_PRODUCT_ZH = [product.chinese for brand in BRANDS for product in brand.products]
_PRODUCT_OFFSETS = np.cumsum([0] + [len(brand.products) for brand in BRANDS])
_MODELS = [model for brand in BRANDS for product in brand.products for model in product.models]
_MODEL_OFFSETS = np.cumsum([0] + [len(product.models) for brand in BRANDS for product in brand.products])
_MODEL_COUNTS = np.diff(_MODEL_OFFSETS)


def listing_titles(rng: np.random.Generator, brands: np.ndarray, infringements: np.ndarray,
                   chinese: np.ndarray) -> pl.DataFrame:
    """A title per listing from its brand, infringement type and language (True: Chinese), with the
    product line it names (its English name, as the monitoring tool's `product_line` column)."""
    count = brands.shape[0]
    product_counts = np.diff(_PRODUCT_OFFSETS)[brands]
    products = _PRODUCT_OFFSETS[brands] + (rng.random(count) * product_counts).astype(np.int64)
    models = _MODEL_OFFSETS[products] + (rng.random(count) * _MODEL_COUNTS[products]).astype(np.int64)
    tokens = (brands * len(INFRINGEMENT_TYPES) + infringements) * _VARIANTS + rng.integers(0, _VARIANTS, count)
    modifiers = rng.integers(0, len(_MODIFIERS["en"]), count)
    frame = pl.DataFrame({
        "chinese": chinese,
        "token_en": pl.Series(_TOKENS_EN).gather(tokens), "token_zh": pl.Series(_TOKENS_ZH).gather(tokens),
        "product_en": pl.Series(_PRODUCT_EN).gather(products), "product_zh": pl.Series(_PRODUCT_ZH).gather(products),
        "model": pl.Series(_MODELS).gather(models),
        "modifier_en": pl.Series(_MODIFIERS["en"]).gather(modifiers),
        "modifier_zh": pl.Series(_MODIFIERS["zh"]).gather(modifiers),
    })
    english = pl.concat_str(["token_en", "product_en", "model", "modifier_en"], separator=" ")
    chinese_title = pl.concat_str([pl.col("token_zh") + pl.col("product_zh"), pl.col("model"),
                                   pl.col("modifier_zh")], separator=" ")
    return frame.select(pl.when(pl.col("chinese")).then(chinese_title).otherwise(english).alias("title"),
                        pl.col("product_en").alias("product_line"))


def pick_text(rng: np.random.Generator, options: dict[str, tuple[str, ...]], chinese: np.ndarray) -> pl.Series:
    """One of the options per row, in the row's language."""
    index = rng.integers(0, len(options["en"]), chinese.shape[0])
    english = pl.Series(options["en"]).gather(index)
    zh = pl.Series(options["zh"]).gather(index)
    return pl.select(pl.when(pl.Series(chinese)).then(zh).otherwise(english)).to_series()


def fixed_text(options: dict[str, str], chinese: np.ndarray) -> pl.Series:
    """The same sentence per row, in the row's language."""
    return pl.select(pl.when(pl.Series(chinese)).then(pl.lit(options["zh"])).otherwise(pl.lit(options["en"])))\
        .to_series()
