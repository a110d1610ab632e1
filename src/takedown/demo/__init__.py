"""A believable demo program: export files in the contract's formats, calibrated to published figures.

`takedown demo` writes 18 months of a brand-protection program on Alibaba's marketplaces -- three
brands, four IPP accounts, all seven platforms -- as the files its tools would export, then ingests
them through the real ingest path. `takedown demo --live` keeps writing new files into an inbox that
`takedown watch` loads (takedown.demo.live, takedown.ingest.inbox).

Sources of the calibration
--------------------------
- Alibaba Group's IP protection reports, as cited in issue 4: about 96-98% of notice-and-takedown
  requests are handled within 24 hours. Alibaba.com is set at 97%, met exactly per unit of
  generation; the other platforms are set slower (Lazada slowest), an assumption, not a figure.
- Incopro's study of 1.5M removed listings, as cited in issue 4: 3% of sellers accounted for over
  20% of the issues. Seller populations give their top 3% a fixed share of listings
  (takedown.demo.sellers), so the observed top 3% hold ~25-30% at any scale.
- Alibaba's Good-Faith Takedown Mechanism (SPEC section 3): an account keeps its standing with a
  takedown rate of at least 90% and at most 5% successful counter-notices over 3 months. One account
  (apex-ip-agency) slips below it in the latest three calendar months; the brand's in-house account
  (northwind-brand-protection) stays comfortably above.
- The seed article (Corsearch, "Protecting Your Brand: How to Remove Counterfeits from Alibaba"): the
  seller's three-day window to respond, counter-notifications that restore the listing when the
  brand does not answer promptly, product-listing and storefront enforcement, the platforms IPP
  covers; SPEC: up to 300 listing URLs per complaint, the 72-hour response window.
- Local prices at the month's rate of the project's exchange-rate table (the one the metrics
  convert with; takedown.demo.profile.USD_RATES where it has none). Counterfeits sell 15-50% below
  retail (MarkMonitor's published range), everything else near it.

Everything else -- volumes per platform and account, rejection and counter-notice rates, price
levels, the 12% enforcement backlog, the two retail-priced detections per complaint item that
nobody files on (takedown.demo.plan.RETAIL_DETECTION_SHARE), seasonality around 618 and Singles'
Day -- is a stated assumption in takedown.demo.profile and the module that uses it, chosen to look
like a mid-size program.

Determinism and scale
---------------------
The same seed, end time and exchange-rate table give byte-identical files. The program is cut into
units (a month, or part of one above settings.CHUNK_ITEMS items), each drawn from its own random
stream with numpy and polars (no per-row Python), and written a chunk at a time, so memory stays
flat up to 10M items.

Planted truth
-------------
The demo plants seller networks among decoys and writes their truth beside the exports
(takedown.demo.networks, `demo_truth_networks.csv`, never ingested): the seller networks found in
its store can be checked against it (tests/demo/test_demo_networks.py, benchmarks/check_networks.py).

Modules: settings (CLI defaults), profile (calibration), plan (units in time), sellers, networks, text, items,
outcomes, listings, generate (one unit), badrows, files (writers), program (a folder of exports),
pipeline (store + ingest), live (the feed), inbox (the watcher).
"""
