"""Mapping files do what they say, or are refused naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from takedown.ingest.mapping import MappingError, load_mapping

LISTING = ("platform,listing_id,url,seller_id,brand,infringement_type,detected_at\n"
           "{platform},L1,https://x/1,S1,Acme,counterfeit,2026-03-01\n")


def mapping_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vendor.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "words"), [
    ('columns = "x"\n', "[columns]: must be a table"),
    ("values = 3\n", "[values]: must be a table"),
    ('platforms = ["shopee"]\n', "[platforms]: must be a table"),
    ('[values]\nevent = "removed"\n', "[values.event]: must be a table"),
    ("timezone = 8\n", "timezone: must be text (in quotes), not int 8"),
    ('timezone = "Mars/Olympus"\n', "timezone: unknown time zone 'Mars/Olympus'"),
    ("kind = 3\n", "kind: must be text"),
    ('kind = "sellers"\n', "kind: 'sellers' is not one of"),
    ('[columns]\n"Case No" = 5\n', "[columns] 'Case No': must be text"),
    # A typo in a target used to send the column to `extra` without a word.
    ('[columns]\n"Case No" = "complaint_idd"\n', "[columns] 'Case No': 'complaint_idd' is not one of any export's"),
    # A real column, but not of the kind the mapping is for.
    ('kind = "outcomes"\n[columns]\n"Shop" = "seller_id"\n', "'seller_id' is not one of the outcomes columns"),
    ('[columns]\n"Case No" = "complaint_id"\n"case no" = "listing_id"\n', "the same header as another key"),
    # A string where a list belongs used to become one alias per character.
    ('[platforms]\nshopee = "shopee.com"\n', "[platforms] 'shopee': must be a list of aliases"),
    ('[platforms]\nshopee = ["shopee.com", 3]\n', "[platforms] 'shopee': must be text"),
    ('[platforms]\nshopee = ["taobao.com"]\n', "alias 'taobao.com' already belongs to the platform 'taobao'"),
    ('[platforms]\nshopee = ["sg"]\nlazmall = ["SG"]\n', "[platforms] 'lazmall': alias 'SG' already belongs to the platform 'shopee'"),
    ('[platforms]\n"淘宝" = ["x"]\n', "'淘宝' is already an alias of the platform 'taobao'"),
    ('[values.title]\n"x" = "y"\n', "[values.title]: 'title' is not a column with a fixed list of values"),
    ('kind = "listings"\n[values.event]\n"x" = "removed"\n', "'event' is not a column with a fixed list"),
    ('[values.event]\n"Done" = "vanished"\n', "[values.event] 'Done': 'vanished' is not a value of event"),
    ('[values.event]\n"Done" = ["removed"]\n', "[values.event] 'Done': must be text"),
    ("surprise = 1\n", "unknown keys ['surprise']"),
    ("[columns\n", "not valid TOML"),
])
def test_a_mapping_that_would_not_do_what_it_says_is_refused(tmp_path, text, words):
    path = mapping_file(tmp_path, text)
    with pytest.raises(MappingError) as refused:
        load_mapping(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert words in message


def test_a_missing_or_binary_mapping_file_is_refused(tmp_path):
    with pytest.raises(MappingError, match="cannot read the mapping file"):
        load_mapping(tmp_path / "none.toml")
    binary = tmp_path / "photo.toml"
    binary.write_bytes(b"\x89PNG\xff\xfe")
    with pytest.raises(MappingError, match="not UTF-8 text"):
        load_mapping(binary)


def test_a_valid_mapping_is_read_as_written(tmp_path):
    mapping = load_mapping(mapping_file(tmp_path, "\n".join([
        'kind = "complaints"', 'timezone = "Asia/Shanghai"',
        "[columns]", '"Case No" = "complaint_id"', '"Report Time" = "Submitted At"',
        "[values.status]", '"Taken down successfully" = "Taken Down"',
        "[values.platform]", '"SG" = "shopee"',
        "[platforms]", 'Shopee = ["shopee.com", "虾皮"]', 'Taobao = ["tb"]',
    ]) + "\n"))
    assert mapping.columns == {"case_no": "complaint_id", "report_time": "submitted_at"}
    assert mapping.values == {"status": {"taken_down_successfully": "Taken Down"}, "platform": {"sg": "shopee"}}
    assert mapping.platforms == {"shopee": ("shopee.com", "虾皮"), "taobao": ("tb",)}
    assert (mapping.kind, mapping.timezone) == ("complaints", "Asia/Shanghai")


def test_aliases_of_a_built_in_platform_are_added_not_replacing_its_own(write_file, ingest, query, tmp_path):
    path = mapping_file(tmp_path, '[platforms]\ntaobao = ["tb"]\n')
    files = [write_file(f"l{n}.csv", LISTING.format(platform=spelling).replace("L1", f"L{n}"))
             for n, spelling in enumerate(["tb", "淘宝", "taobao.com", "Taobao"])]
    results = ingest(*files, mapping_path=path)
    assert [(r.inserted, r.rejected) for r in results] == [(1, 0)] * 4
    assert query("select distinct platform from listings")["platform"].to_list() == ["taobao"]


def test_a_mapping_error_is_a_one_line_usage_error(write_file, tmp_path, db_path, capsys):
    from takedown.cli import main

    path = mapping_file(tmp_path, '[columns]\n"Case No" = "complaint_idd"\n')
    assert main(["ingest", "--mapping", str(path), "--db", str(db_path), str(write_file("l.csv", LISTING))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "complaint_idd" in err and "Traceback" not in err
    assert not db_path.exists()  # nothing was loaded, no store was made
