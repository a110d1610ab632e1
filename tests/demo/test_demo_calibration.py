"""The demo's figures land in believable ranges, measured with plain SQL on the ingested store."""

from __future__ import annotations

import datetime as dt

from demo_constants import END

END_UTC = END.replace(tzinfo=None)
# The Good-Faith window: the three calendar months ending with END's month.
WINDOW_START = dt.datetime(2026, 4, 1)

FIRST_DECISION = """
    select items.complaint_id, items.listing_id, items.platform, items.submitted_at,
        min(events.occurred_at) as decided_at
    from complaint_items as items
    join outcome_events as events using (complaint_id, listing_id)
    where events.event in ('removed', 'rejected')
    group by all
"""

# Each item's status at END (SPEC 3: the last event, ties in the contract's order) and whether it
# was ever counter-noticed; then per account the Good-Faith rates over [start, END].
STANDING = """
    with events as (
        select *, case event when 'counter_notice' then 1 when 'counter_notice_rejected' then 2
            when 'counter_notice_accepted' then 3 when 'withdrawn' then 4 when 'rejected' then 5
            when 'removed' then 6 when 'restored' then 7 end as tie_rank
        from outcome_events where occurred_at <= $end
    ),
    last_event as (
        select complaint_id, listing_id, event from events
        qualify row_number() over (partition by complaint_id, listing_id order by occurred_at desc, tie_rank desc) = 1
    ),
    countered as (select distinct complaint_id, listing_id from events where event = 'counter_notice'),
    items as (
        select items.account, last_event.event as last, countered.complaint_id is not null as countered
        from complaint_items as items
        left join last_event using (complaint_id, listing_id)
        left join countered using (complaint_id, listing_id)
        where items.submitted_at >= $start and items.submitted_at <= $end
    )
    select account, count(*) as submitted,
        count(*) filter (where last = 'removed')
            / count(*) filter (where last in ('removed', 'rejected', 'restored')) as takedown_rate,
        count(*) filter (where countered and last in ('restored', 'withdrawn', 'counter_notice_accepted', 'rejected'))
            / count(*) as counter_notice_success_rate
    from items group by account
"""


def test_alibaba_handles_96_to_98_percent_within_24_hours_and_others_are_slower(demo_query):
    shares = demo_query(f"""
        select platform, count(*) as decided,
            avg(case when decided_at <= submitted_at + interval 24 hours then 1 else 0 end) as within_24h
        from ({FIRST_DECISION}) group by platform
    """)
    share = dict(zip(shares["platform"], shares["within_24h"]))
    decided = dict(zip(shares["platform"], shares["decided"]))
    assert decided["alibaba"] > 400  # enough items for the share to mean something
    assert 0.96 <= share["alibaba"] <= 0.98
    assert share["lazada"] < share["alibaba"] - 0.15
    assert sorted(share) == ["1688", "alibaba", "aliexpress", "lazada", "taobao", "tmall", "tmall_global"]


def test_platforms_brands_and_accounts_differ_in_volume(demo_query):
    platforms = demo_query("select platform, count(*) as n from complaint_items group by all order by n desc")
    assert platforms.height == 7
    assert platforms["n"][0] > 3 * platforms["n"][-1]
    brands = demo_query("select distinct brand from listings")
    assert brands.height == 3
    accounts = demo_query("select distinct account from complaint_items")
    assert accounts.height == 4


def test_top_three_percent_of_sellers_hold_over_a_fifth_of_items(demo_query):
    share = demo_query("""
        with sellers as (select platform, seller_id, count(*) as items from complaint_items group by all),
        ranked as (select items, row_number() over (order by items desc) as rank,
                          count(*) over () as sellers, sum(items) over () as total from sellers)
        select sum(items) filter (where rank <= ceil(0.03 * sellers)) / any_value(total) as top_share
        from ranked
    """)["top_share"][0]
    assert 0.20 < share < 0.40


def test_repeat_offenders_relist_after_takedowns(demo_query):
    relists = demo_query("""
        select listings.platform, listings.listing_id, listings.detected_at,
               extra->>'$."Relisted From"' as previous
        from listings where coalesce(extra->>'$."Relisted From"', '') <> ''
    """)
    assert relists.height > 50
    # The previous listing was taken down before its relist was detected, by the same seller.
    # The relist's key is extracted first: DuckDB 1.5.5 joins on an inline `->>` wrongly (no rows) and slowly.
    checked = demo_query("""
        with relist as materialized (
            select platform, listing_id, detected_at, seller_id, extra->>'$."Relisted From"' as previous_id
            from listings where coalesce(extra->>'$."Relisted From"', '') <> '')
        select count(distinct (relist.platform, relist.listing_id)) as ok from relist
        join listings as previous on previous.platform = relist.platform
            and previous.listing_id = relist.previous_id
        join complaint_items as items on items.platform = previous.platform and items.listing_id = previous.listing_id
        join outcome_events as events
            on events.complaint_id = items.complaint_id and events.listing_id = items.listing_id
        where events.event = 'removed' and events.occurred_at < relist.detected_at
            and previous.seller_id = relist.seller_id
    """)["ok"][0]
    assert checked >= relists.height * 0.9
    repeat = demo_query("""
        select count(*) as sellers from (
            select items.platform, items.seller_id from complaint_items as items
            join outcome_events as events using (complaint_id, listing_id)
            where events.event = 'removed' and items.enforcement_type = 'listing'
            group by all having count(distinct items.listing_id) >= 3)
    """)["sellers"][0]
    assert repeat > 20


def test_one_account_slips_below_good_faith_and_one_stays_well_above(demo_query):
    rates = demo_query(STANDING, {"start": WINDOW_START, "end": END_UTC})
    by_account = {row["account"]: row for row in rates.iter_rows(named=True)}
    slipping = by_account["apex-ip-agency"]
    healthy = by_account["northwind-brand-protection"]
    assert slipping["submitted"] > 100 and healthy["submitted"] > 200
    assert slipping["takedown_rate"] < 0.90 or slipping["counter_notice_success_rate"] > 0.05
    assert slipping["takedown_rate"] < 0.88  # clearly, not by a hair
    assert healthy["takedown_rate"] > 0.95 and healthy["counter_notice_success_rate"] < 0.02
    # Over the whole program the slipping account was fine: the slip is recent.
    history = demo_query(STANDING, {"start": dt.datetime(2000, 1, 1), "end": END_UTC})
    assert history.filter(history["account"] == "apex-ip-agency")["takedown_rate"][0] > 0.88


def test_counter_notices_are_a_few_percent_mostly_answered_in_time(demo_query):
    figures = demo_query("""
        with notices as (
            select complaint_id, listing_id, min(occurred_at) as noticed_at from outcome_events
            where event = 'counter_notice' group by all),
        answers as (
            select notices.*, min(events.occurred_at) filter (
                where events.event in ('counter_notice_rejected', 'counter_notice_accepted')) as answered_at,
                count(*) filter (where events.event = 'restored') as restored
            from notices left join outcome_events as events using (complaint_id, listing_id)
            group by all)
        select count(*) as notices,
            count(*) filter (where answered_at <= noticed_at + interval 72 hours) as answered_in_time,
            count(*) filter (where answered_at is null and restored > 0) as missed_and_restored,
            (select count(*) from complaint_items) as items
        from answers where noticed_at + interval 72 hours <= $end
    """, {"end": END_UTC}).row(0, named=True)
    assert 0.01 < figures["notices"] / figures["items"] < 0.08
    assert figures["answered_in_time"] / figures["notices"] > 0.6
    assert figures["missed_and_restored"] > 5


def test_rejections_carry_the_platforms_reason(demo_query):
    rejected = demo_query("select detail from outcome_events where event = 'rejected'")
    assert rejected.height > 50
    assert rejected["detail"].null_count() == 0
    assert rejected["detail"].n_unique() >= 5


def test_rights_expire_soon_and_one_expired_is_still_cited(demo_query):
    soon = demo_query("select registration from ip_rights where expires_on between $today and $today + 90",
                      {"today": END_UTC.date()})
    assert 2 <= soon.height <= 5
    expired = demo_query("""
        select rights.registration, count(items.complaint_id) as cited_after_expiry
        from ip_rights as rights join complaint_items as items on items.ipr_registration = rights.registration
        where rights.expires_on < $today and items.submitted_at > rights.expires_on + 1
        group by all
    """, {"today": END_UTC.date()})
    assert expired.height == 1
    assert expired["cited_after_expiry"][0] > 0


def test_prices_are_in_local_currencies_and_titles_in_two_languages(demo_query):
    currencies = set(demo_query("select distinct currency from listings")["currency"])
    assert {"USD", "CNY", "MYR", "THB", "IDR", "EUR", "HKD"} <= currencies
    idr = demo_query("select price from listings where currency = 'IDR'")["price"]
    assert idr.len() > 0 and all(value % 100 == 0 for value in idr)  # rupiah prices are round
    titles = demo_query("select platform, title from listings where platform in ('taobao', 'alibaba')")
    has_chinese = titles["title"].str.contains(r"[\u4e00-\u9fff]")
    assert has_chinese.filter(titles["platform"] == "taobao").mean() > 0.99
    assert has_chinese.filter(titles["platform"] == "alibaba").mean() < 0.01
    filled = demo_query("select count(units_sold) as units, count(risk_score) as risk, count(*) as n from listings")
    assert filled["units"][0] > 0.8 * filled["n"][0] and filled["risk"][0] > 0.99 * filled["n"][0]
