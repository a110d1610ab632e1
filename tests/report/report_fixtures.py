"""A small program built through the real ingest, with hostile text, and its report built once per module.

September 2026, as of 2026-10-15: seller S1 has three listings removed (a repeat offender never hit
by a storefront complaint) and writes a formula as its name; the rejected listing's title is a
script and the long-pending one's a formula; there is a rejection, a restoration, a missed counter-notice response and an
item pending for weeks.
"""

from __future__ import annotations




MONTH, AS_OF = "2026-09", "2026-10-15T00:00:00Z"
SCRIPT_TITLE = "<script>alert(1)</script>"
FORMULA_TITLE = '=HYPERLINK("http://evil.example","x")'
FORMULA_SELLER = "=cmd|' /C calc'!A0"
REJECTION = "The right does not cover <b>these</b> goods"

LISTINGS = [
    ["platform", "listing_id", "url", "title", "seller_id", "seller_name", "brand", "infringement_type", "price",
     "currency", "units_sold", "detected_at"],
    ["taobao", "L1", "https://item.taobao.com/L1", "Acme earbuds", "S1", FORMULA_SELLER, "Acme", "counterfeit", "10",
     "USD", "3", "2026-08-20T00:00:00Z"],
    ["taobao", "L2", "https://item.taobao.com/L2", "Acme cable", "S1", FORMULA_SELLER, "Acme", "counterfeit", "5",
     "USD", "2", "2026-08-20T00:00:00Z"],
    ["taobao", "L3", "https://item.taobao.com/L3", "Acme case", "S1", FORMULA_SELLER, "Acme", "counterfeit", "",
     "", "", "2026-08-20T00:00:00Z"],
    ["alibaba", "L4", "https://www.alibaba.com/L4.html", SCRIPT_TITLE, "S2", "Shop two", "Acme", "lookalike", "",
     "", "", "2026-08-21T00:00:00Z"],
    ["alibaba", "L5", "https://www.alibaba.com/L5.html", "Acme pro", "S2", "Shop two", "Acme", "counterfeit", "",
     "", "", "2026-08-21T00:00:00Z"],
    ["lazada", "L6", "https://www.lazada.sg/L6", "Bolt case", "S3", "Shop three", "Bolt", "counterfeit", "",
     "", "", "2026-08-22T00:00:00Z"],
    ["lazada", "L7", "https://www.lazada.sg/L7", FORMULA_TITLE, "S3", "Shop three", "Bolt", "counterfeit", "",
     "", "", "2026-08-22T00:00:00Z"],
    ["lazada", "L8", "https://www.lazada.sg/L8", "Bolt belt", "S4", "Shop four", "Bolt", "counterfeit", "",
     "", "", "2026-08-01T00:00:00Z"],
]
COMPLAINTS = [
    ["complaint_id", "platform", "listing_id", "seller_id", "enforcement_type", "ipr_type", "ipr_registration",
     "reason", "account", "submitted_at"],
    ["K1", "taobao", "L1", "S1", "listing", "trademark", "TM-1", "counterfeit", "acct-a", "2026-09-01T10:00:00Z"],
    ["K2", "taobao", "L2", "S1", "listing", "trademark", "TM-1", "counterfeit", "acct-a", "2026-09-02T10:00:00Z"],
    ["K3", "taobao", "L3", "S1", "listing", "trademark", "TM-1", "counterfeit", "acct-a", "2026-09-03T10:00:00Z"],
    ["K4", "alibaba", "L4", "S2", "listing", "trademark", "TM-1", "counterfeit", "acct-a", "2026-09-04T10:00:00Z"],
    ["K5", "alibaba", "L5", "S2", "listing", "trademark", "TM-1", "counterfeit", "acct-a", "2026-09-05T10:00:00Z"],
    ["K6", "lazada", "L6", "S3", "listing", "design", "DES-1", "design copy", "acct-b", "2026-09-06T10:00:00Z"],
    ["K7", "lazada", "L7", "S3", "listing", "design", "DES-1", "design copy", "acct-b", "2026-09-07T10:00:00Z"],
    ["K8", "lazada", "L8", "S4", "listing", "trademark", "TM-1", "counterfeit", "acct-b", "2026-08-10T10:00:00Z"],
]
OUTCOMES = [
    ["complaint_id", "listing_id", "event", "occurred_at", "detail"],
    ["K1", "L1", "removed", "2026-09-01T20:00:00Z", ""],
    ["K2", "L2", "removed", "2026-09-03T08:00:00Z", ""],
    ["K3", "L3", "removed", "2026-09-04T10:00:00Z", ""],
    ["K4", "L4", "rejected", "2026-09-05T10:00:00Z", REJECTION],
    ["K5", "L5", "counter_notice", "2026-09-06T10:00:00Z", "authorised reseller"],
    ["K6", "L6", "removed", "2026-09-06T20:00:00Z", ""],
    ["K6", "L6", "restored", "2026-09-20T10:00:00Z", "appeal upheld"],
    ["K8", "L8", "removed", "2026-08-11T10:00:00Z", ""],
]
IP_RIGHTS = [
    ["registration", "ipr_type", "brand", "jurisdiction", "expires_on", "ipp_status"],
    ["TM-1", "trademark", "Acme", "CN", "2027-06-30", "verified"],
    ["DES-1", "design", "Bolt", "EU", "2027-12-01", "pending"],
]


