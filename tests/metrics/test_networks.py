"""Seller networks on listings with known groups: which evidence links sellers, which decoys do not, and what
each network did."""

from __future__ import annotations

import polars as pl
import pytest
from metric_frames import T0, event, facts, hours, item, listing, listings_frame

from takedown.metrics.networks import distinctive_names, network_members, seller_networks


def _listing(listing_id: str, platform: str, seller_id: str, *, name: str, title: str | None = None,
             url: str | None = None, price: float | None = None, currency: str | None = None,
             image: str | None = None, detected_at=T0 - hours(48)):
    row = listing(listing_id, platform=platform, seller_id=seller_id, price=price, currency=currency,
                  detected_at=detected_at)
    row.update(seller_name=name, title=title or f"title {listing_id}",
               url=url or f"https://{platform}.example/{listing_id}", image_url=image)
    return row


def _frame(*rows: dict[str, object]) -> pl.DataFrame:
    images = [row["image_url"] for row in rows]
    plain_rows = [{key: value for key, value in row.items() if key != "image_url"} for row in rows]
    return listings_frame(*plain_rows).with_columns(pl.Series("image_url", images, dtype=pl.String))


def _groups(members: pl.DataFrame) -> set[frozenset[str]]:
    return {frozenset(group) for group in
            members.group_by("network_id").agg(pl.col("seller_id")).get_column("seller_id").to_list()}


LISTINGS = [
    # S1 and S2: one distinctive name written differently (case, blanks, a generic suffix), two platforms.
    _listing("L1", "taobao", "S1", name="Zhenhaoyuan Official Store", title="Acme earbuds pro"),
    _listing("L2", "tmall", "S2", name=" zhenhaoyuan  旗舰店", title="Acme cable", url="https://item.tmall.com/x/abc"),
    # S5 shows S2's page on another host (the same URL path): the same listing, one operator.
    _listing("L5", "alibaba", "S5", name="Five Rivers", title="Acme speaker 2", url="https://m.tmall.com/x/abc"),
    # S3 and S4: one storefront id on two platforms.
    _listing("L3", "alibaba", "X90001", name="Three Peaks"),
    _listing("L4", "aliexpress", "X90001", name="Four Winds"),
    # S9 and S10: one product photo.
    _listing("L9", "lazada", "S9", name="Nine Lives", image="https://img.example/photo-9.jpg"),
    _listing("L10", "taobao", "S10", name="Ten Oaks", image="https://img.example/PHOTO-9.jpg "),
    # S11 on one platform with two listings is one seller, not a storefront link.
    _listing("L11", "lazada", "S11", name="Eleven Seas"),
    _listing("L11b", "lazada", "S11", name="Eleven Seas"),
]


def test_each_kind_of_evidence_links_its_sellers_and_nothing_else():
    members = network_members(_frame(*LISTINGS))
    assert _groups(members) == {frozenset({"S1", "S2", "S5"}), frozenset({"X90001"}), frozenset({"S9", "S10"})}
    # X90001 is two sellers: one per platform.
    assert members.filter(pl.col("seller_id") == "X90001").height == 2
    # Networks are numbered by size: the three-seller one is N1.
    assert set(members.filter(pl.col("network_id") == "N1").get_column("seller_id")) == {"S1", "S2", "S5"}
    linked_by = dict(members.select("seller_id", "linked_by").unique().iter_rows())
    assert linked_by["S1"] == "seller_name, url_path"
    assert linked_by["X90001"] == "storefront"
    assert linked_by["S9"] == "image_url"
    assert not members.get_column("too_large_to_act_on").any()


def test_prices_titles_and_generic_names_are_not_identities():
    # Unrelated sellers that look alike: the same product at the same price, the same titles, generic
    # shop names, a short name, a storefront id short enough to repeat by chance, and a trade name
    # ("Shenzhen Hongda") whose every word many other shops use.
    decoys = [
        _listing("P1", "taobao", "P1", name="Alpha Ridge", title="Acme earbuds pro", price=9.99, currency="USD"),
        _listing("P2", "tmall", "P2", name="Beta Lake", title="Acme earbuds pro", price=9.99, currency="USD"),
        _listing("P1b", "taobao", "P1", name="Alpha Ridge", title="Acme cable", price=1.99, currency="USD"),
        _listing("P2b", "tmall", "P2", name="Beta Lake", title="Acme cable", price=1.99, currency="USD"),
        _listing("G1", "taobao", "G1", name="Official Store"), _listing("G2", "lazada", "G2", name="official  store"),
        _listing("G3", "taobao", "G3", name="旗舰店"), _listing("G4", "tmall", "G4", name="官方旗舰店"),
        _listing("G5", "taobao", "G5", name="ABC Shop"), _listing("G6", "tmall", "G6", name="abc store"),
        _listing("I1", "alibaba", "12", name="Gamma Fields"), _listing("I2", "lazada", "12", name="Delta Woods"),
        # One trade name in two cities: two companies.
        _listing("B1", "taobao", "B1", name="东莞市百佳进出口工厂店"), _listing("B2", "tmall", "B2", name="莆田市百佳贸易官方店"),
        _listing("H1", "alibaba", "H1", name="Shenzhen Hongda Electronics Co., Ltd."),
        _listing("H2", "lazada", "H2", name="Shenzhen Hongda Electronics Co., Ltd."),
        *[_listing(f"H{n}", "alibaba", f"H{n}", name=f"{city} Hongda {trade}") for n, (city, trade) in enumerate(
            [("Yiwu", "Trading"), ("Ningbo", "Store"), ("Xiamen", "Mall"), ("Shenzhen", "Beauty Store"),
             ("Shenzhen", "Sports Co."), ("Shenzhen", "Digital")], start=3)],
    ]
    assert network_members(_frame(*decoys)).is_empty()
    # The same lookalikes plus one real piece of evidence: only that pair links.
    linked = network_members(_frame(*decoys, _listing("P3", "alibaba", "P3", name="Alpha Ridge")))
    assert _groups(linked) == {frozenset({"P1", "P3"})}


def test_a_distinctive_name_is_long_enough_and_has_a_rare_word():
    names = pl.Series(["Zhenhaoyuan Official Store", "Zhenhaoyuan旗舰店", "深圳市鸿达电子有限公司", "ABC Store",
                       "Official Store", "Lucky Star Trading", "Yiwu Lucky Star", "Ningbo Lucky Star", "Lucky Star Mall"])
    cores = dict(distinctive_names(names).iter_rows())
    # Generic words go, a leading place (深圳市) is a word of its own; what is left is compared.
    assert cores == {"Zhenhaoyuan Official Store": "zhenhaoyuan", "Zhenhaoyuan旗舰店": "zhenhaoyuan",
                     "深圳市鸿达电子有限公司": "深圳市 鸿达", "Yiwu Lucky Star": "yiwu lucky star",
                     "Ningbo Lucky Star": "ningbo lucky star"}
    # "Lucky" and "Star" are in four names: without a rarer word the name says nothing.
    assert "Lucky Star Mall" not in cores
    # At most one name per word: the two Zhenhaoyuan names no longer count.
    assert dict(distinctive_names(names, max_names_per_word=1).iter_rows()).keys() == {
        "深圳市鸿达电子有限公司", "Yiwu Lucky Star", "Ningbo Lucky Star"}


def test_an_identifier_shared_by_too_many_sellers_links_nobody():
    # A stock photo shown by four sellers' listings.
    crowd = [_listing(f"G{n}", "taobao", f"G{n}", name=f"name {n}", image="https://img.example/stock.jpg")
             for n in range(4)]
    assert network_members(_frame(*crowd), max_sellers_per_key=3).is_empty()
    assert _groups(network_members(_frame(*crowd), max_sellers_per_key=4)) == {frozenset({"G0", "G1", "G2", "G3"})}


def test_a_network_counts_its_listings_removals_and_relists_after_takedown():
    rows = [*LISTINGS,
            # S1 relists L1's product after its removal.
            _listing("L1r", "taobao", "S1", name="Zhenhaoyuan Official Store", title="ACME earbuds pro",
                     detected_at=T0 + hours(30))]
    items = [item("K1", "L1", platform="taobao", seller_id="S1"),
             item("K5", "L5", platform="alibaba", seller_id="S5"),
             item("K9", "L9", platform="lazada", seller_id="S9")]
    events = [event("K1", "L1", "removed", T0 + hours(5)),
              event("K5", "L5", "removed", T0 + hours(5)), event("K5", "L5", "restored", T0 + hours(9))]
    networks = {row["network_id"]: row for row in seller_networks(_frame(*rows), facts(items, events)).to_dicts()}
    first = networks["N1"]
    assert (first["sellers"], first["listings"], first["complaint_items"]) == (3, 4, 2)
    assert first["platforms"] == "alibaba, taobao, tmall"
    assert first["seller_names"] == " zhenhaoyuan  旗舰店, Five Rivers, Zhenhaoyuan Official Store"
    assert first["removed_listings"] == 2  # L1, and L5 (removed, then restored)
    assert first["restored_items"] == 1
    assert first["relisted_listings"] == 1  # L1r: L1's title, detected after L1's removal
    assert first["relists_after_takedown"] == 2
    assert {networks["N2"]["removed_listings"], networks["N3"]["removed_listings"]} == {0}
    assert not any(row["too_large_to_act_on"] for row in networks.values())


def _chain(count: int) -> list[dict[str, object]]:
    # Seller n's two listings carry the names n and n + 1: each seller shares a name with the next only.
    return [_listing(f"C{n}{side}", "taobao", f"C{n:02}", name=f"name {n + step}")
            for n in range(count) for side, step in (("a", 0), ("b", 1))]


def test_a_long_chain_of_links_is_one_network_numbered_from_its_first_seller():
    chain = _chain(40)
    for rows in (chain, chain[::-1], chain[1::2] + chain[::2]):
        members = network_members(_frame(*rows))
        assert members.get_column("network_id").unique().to_list() == ["N1"]
        assert members.height == 40 and members.get_column("linked_by").unique().to_list() == ["seller_name"]
        assert members.get_column("seller_id").to_list() == sorted(f"C{n:02}" for n in range(40))


@pytest.mark.parametrize("limit", [39, 40])
def test_a_group_larger_than_the_setting_is_too_large_to_act_on_not_a_network(limit):
    pair = [_listing("Z1", "alibaba", "Z1", name="Qiaolang Store"), _listing("Z2", "lazada", "Z2", name="Qiaolang")]
    members = network_members(_frame(*_chain(40), *pair), max_network_sellers=limit)
    sizes = dict(members.group_by("network_id").len().iter_rows())
    flagged = dict(members.select("network_id", "too_large_to_act_on").unique().iter_rows())
    if limit == 39:
        # The chain is listed apart as X1; the pair is the only network, N1.
        assert sizes == {"X1": 40, "N1": 2} and flagged == {"X1": True, "N1": False}
    else:
        assert sizes == {"N1": 40, "N2": 2} and not any(flagged.values())
    networks = seller_networks(_frame(*_chain(40), *pair), facts([]), max_network_sellers=limit)
    # Networks first, groups too large to act on last.
    assert networks.get_column("network_id").to_list() == (["N1", "X1"] if limit == 39 else ["N1", "N2"])


def test_names_of_a_group_too_large_are_cut_and_counted():
    networks = seller_networks(_frame(*_chain(70)), facts([]))
    row = networks.row(0, named=True)
    assert row["network_id"] == "X1" and row["too_large_to_act_on"] and row["sellers"] == 70
    assert row["seller_names"].endswith(", ... (71 names)")
    assert row["seller_names"].count(", ") == 60
