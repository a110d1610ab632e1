"""Seller networks on listings with known groups: which identifiers link sellers, and what each network did."""

from __future__ import annotations

import polars as pl
from report_frames import T0, event, facts, hours, item, listing, listings_frame

from takedown.metrics.networks import network_members, seller_networks


def _listing(listing_id: str, platform: str, seller_id: str, *, name: str, title: str, url: str | None = None,
             price: float | None = None, currency: str | None = None, detected_at=T0 - hours(48)):
    row = listing(listing_id, platform=platform, seller_id=seller_id, price=price, currency=currency,
                  detected_at=detected_at)
    row.update(seller_name=name, title=title, url=url or f"https://{platform}.example/{listing_id}")
    return row


LISTINGS = [
    # S1 and S2: the same seller name written differently, on two platforms.
    _listing("L1", "taobao", "S1", name="Shop Alpha", title="Acme earbuds pro"),
    _listing("L2", "tmall", "S2", name=" shop  ALPHA", title="Acme cable", url="https://item.tmall.com/x/abc"),
    # S5 shows S2's page on another host (the same URL path); S6 sells S5's product at S5's price.
    _listing("L5", "alibaba", "S5", name="Five", title="Acme speaker 2", url="https://m.tmall.com/x/abc"),
    _listing("L6", "aliexpress", "S6", name="Six", title="acme  speaker 2", price=9.5, currency="USD"),
    _listing("L5b", "alibaba", "S5", name="Five", title="Acme speaker 2", price=9.5, currency="USD"),
    # S3 and S4: one storefront id on two platforms.
    _listing("L3", "alibaba", "X9", name="Three", title="t3"),
    _listing("L4", "aliexpress", "X9", name="Four", title="t4"),
    # S9 and S10: two titles in common (all their titles).
    _listing("L9a", "lazada", "S9", name="Nine", title="Bolt case red"),
    _listing("L9b", "lazada", "S9", name="Nine", title="Bolt case blue"),
    _listing("L10a", "taobao", "S10", name="Ten", title="Bolt case red"),
    _listing("L10b", "taobao", "S10", name="Ten", title="Bolt case blue"),
    # S7 and S8: one title in common at different prices: how a market copies, not a network.
    _listing("L7", "lazada", "S7", name="Seven", title="Generic phone case", price=1.0, currency="USD"),
    _listing("L8", "taobao", "S8", name="Eight", title="Generic phone case", price=2.0, currency="USD"),
    # The same seller id on one platform's two listings is one seller, not a storefront link.
    _listing("L11", "lazada", "S11", name="Eleven", title="t11"),
    # S1 relists L1's product after its removal.
    _listing("L1r", "taobao", "S1", name="Shop Alpha", title="ACME earbuds pro", detected_at=T0 + hours(30)),
]


def _groups(members: pl.DataFrame) -> set[frozenset[str]]:
    return {frozenset(group) for group in
            members.group_by("network_id").agg(pl.col("seller_id")).get_column("seller_id").to_list()}


def test_sellers_sharing_identifiers_form_the_known_networks():
    members = network_members(listings_frame(*LISTINGS))
    assert _groups(members) == {frozenset({"S1", "S2", "S5", "S6"}), frozenset({"X9"}), frozenset({"S9", "S10"})}
    # X9 is two sellers: one per platform.
    assert members.filter(pl.col("seller_id") == "X9").height == 2
    # Networks are numbered by size: the four-seller one is N1.
    assert set(members.filter(pl.col("network_id") == "N1").get_column("seller_id")) == {"S1", "S2", "S5", "S6"}
    linked_by = dict(members.select("seller_id", "linked_by").unique().iter_rows())
    assert linked_by["S1"] == "product_price, seller_name, url_path"
    assert linked_by["X9"] == "storefront"
    assert linked_by["S9"] == "title"


def test_an_identifier_shared_by_too_many_sellers_links_nobody():
    crowd = [_listing(f"G{n}", "taobao", f"G{n}", name="Official Store", title=f"g{n}") for n in range(4)]
    assert network_members(listings_frame(*crowd), max_sellers_per_key=3).is_empty()
    assert _groups(network_members(listings_frame(*crowd), max_sellers_per_key=4)) == {
        frozenset({"G0", "G1", "G2", "G3"})}


def test_a_network_counts_its_listings_removals_and_relists_after_takedown():
    items = [item("K1", "L1", platform="taobao", seller_id="S1"),
             item("K5", "L5", platform="alibaba", seller_id="S5"),
             item("K9", "L9a", platform="lazada", seller_id="S9")]
    events = [event("K1", "L1", "removed", T0 + hours(5)),
              event("K5", "L5", "removed", T0 + hours(5)), event("K5", "L5", "restored", T0 + hours(9))]
    networks = {row["network_id"]: row for row in
                seller_networks(listings_frame(*LISTINGS), facts(items, events)).to_dicts()}
    first = networks["N1"]
    assert (first["sellers"], first["listings"], first["complaint_items"]) == (4, 6, 2)
    assert first["platforms"] == "alibaba, aliexpress, taobao, tmall"
    assert first["removed_listings"] == 2  # L1, and L5 (removed, then restored)
    assert first["restored_items"] == 1
    assert first["relisted_listings"] == 1  # L1r: L1's title, detected after L1's removal
    assert first["relists_after_takedown"] == 2
    assert {networks["N2"]["removed_listings"], networks["N3"]["removed_listings"]} == {0}


def test_a_blank_title_at_one_price_is_still_one_product_and_a_missing_title_none():
    # Blank titles are no title (no title link) but "" | price | currency still names a product.
    blank = [_listing("B1", "taobao", "B1", name="b1", title="  ", price=3.0, currency="USD"),
             _listing("B2", "tmall", "B2", name="b2", title=" ", price=3.0, currency="USD")]
    members = network_members(listings_frame(*blank))
    assert _groups(members) == {frozenset({"B1", "B2"})}
    assert set(members.get_column("linked_by")) == {"product_price"}
    untitled = [{**row, "title": None} for row in blank]
    assert network_members(listings_frame(*untitled)).is_empty()


def test_a_long_chain_of_links_is_one_network_numbered_from_its_first_seller():
    # Seller n's two listings carry the names n and n + 1: each seller shares a name with the next
    # only. The network is the whole chain, whatever the row order.
    chain = [_listing(f"C{n}{side}", "taobao", f"C{n:02}", name=f"name {n + step}", title=f"c{n}{side}")
             for n in range(40) for side, step in (("a", 0), ("b", 1))]
    for rows in (chain, chain[::-1], chain[1::2] + chain[::2]):
        members = network_members(listings_frame(*rows))
        assert members.get_column("network_id").unique().to_list() == ["N1"]
        assert members.height == 40 and members.get_column("linked_by").unique().to_list() == ["seller_name"]
        assert members.get_column("seller_id").to_list() == sorted(f"C{n:02}" for n in range(40))
