"""tui/name_index.py: grouping that keeps every tree level small, routes for jumps, and search."""

from __future__ import annotations

import random

from dapr_secrets.tui.name_index import LEVEL_LIMIT, EntryKind, NameIndex


def labels(entries):
    return [(entry.kind.value, entry.label, entry.count) for entry in entries]


def test_names_are_grouped_at_the_separator():
    index = NameIndex(":")
    index.add(["redis:password", "redis:port", "api:key", "top"])
    assert labels(index.entries()) == [("group", "api", 1), ("group", "redis", 2), ("secret", "top", 0)]
    assert [e.path for e in index.entries("redis:")] == ["redis:password", "redis:port"]


def test_a_name_and_a_group_with_the_same_label_are_distinct_entries():
    index = NameIndex(":")
    index.add(["a", "a:b"])
    assert labels(index.entries()) == [("group", "a", 1), ("secret", "a", 0)]


def test_without_a_separator_names_group_by_slash():
    index = NameIndex(None)
    index.add(["team/db", "team/api", "plain"])
    assert [e.label for e in index.entries()] == ["plain", "team"]


def test_duplicates_are_ignored():
    index = NameIndex(":")
    assert index.add(["a", "b", "a"]) == 2
    assert index.add(["b"]) == 0
    assert len(index) == 2


def _all_levels(index, path="", bucket=""):
    entries = index.entries(path, bucket)
    yield entries
    for entry in entries:
        if entry.kind == EntryKind.GROUP:
            yield from _all_levels(index, entry.path)
        elif entry.kind == EntryKind.BUCKET:
            yield from _all_levels(index, entry.path, entry.bucket)


def _secrets_below(index, path="", bucket=""):
    found = []
    for entry in index.entries(path, bucket):
        if entry.kind == EntryKind.SECRET:
            found.append(entry.path)
        elif entry.kind == EntryKind.GROUP:
            found += _secrets_below(index, entry.path)
        else:
            found += _secrets_below(index, entry.path, entry.bucket)
    return found


def test_a_flat_namespace_of_100k_names_never_shows_more_than_the_limit_per_level():
    index = NameIndex(None)
    names = [f"secret-{i:06d}" for i in range(100_000)]
    index.add(names)
    top = index.entries()
    assert all(entry.kind == EntryKind.BUCKET for entry in top)
    assert sum(entry.count for entry in top) == 100_000
    assert max(len(level) for level in _all_levels(index)) <= LEVEL_LIMIT
    assert sorted(_secrets_below(index)) == names


def test_buckets_hold_mixed_groups_and_secrets_and_lose_nothing():
    rng = random.Random(7)
    names = {"".join(rng.choice("abcXYZ-_:") for _ in range(rng.randint(1, 8))) for _ in range(6000)}
    index = NameIndex(":")
    index.add(sorted(names))
    assert max(len(level) for level in _all_levels(index)) <= LEVEL_LIMIT
    assert sorted(_secrets_below(index)) == sorted(names)


def test_levels_are_sorted_case_insensitively():
    index = NameIndex(":")
    index.add(["b", "A", "a", "C"])
    assert [e.label for e in index.entries()] == ["A", "a", "b", "C"]


def test_adding_names_later_keeps_existing_entries_and_keys():
    index = NameIndex(":")
    index.add(["db:user", "api"])
    before = {e.key for e in index.entries()}
    index.add(["db:password", "cache:url"])
    after = {e.key for e in index.entries()}
    assert before < after


def test_route_leads_through_groups_and_buckets_to_the_secret():
    index = NameIndex(":")
    index.add([f"team:secret-{i:05d}" for i in range(5000)] + ["other"])
    route = index.route("team:secret-01234")
    assert route[0].kind == EntryKind.GROUP and route[0].label == "team"
    assert route[-1].kind == EntryKind.SECRET and route[-1].path == "team:secret-01234"
    assert any(entry.kind == EntryKind.BUCKET for entry in route)
    assert index.route("missing") is None


def test_search_is_case_insensitive_substring_with_a_total():
    index = NameIndex(":")
    index.add(["db:Password", "api:key", "cache:password-old"])
    found = index.search("PASSWORD")
    assert found.names == ["db:Password", "cache:password-old"] and found.total == 2
    first = index.search("", limit=1)
    assert first.names == ["db:Password"] and first.total == 3


# ----- issue #14: separators match each other, keys are searchable (never values), words AND


def test_slash_and_colon_match_each_other_in_both_directions():
    files = NameIndex(":")  # local.file: nestedSeparator ":" by default
    files.add(["db:password", "db-password"])
    assert files.search("db/password").names == ["db:password"]
    assert files.search("DB:PASS").names == ["db:password"]
    vault = NameIndex("/", hierarchical=True)
    vault.add(["db/password"])
    assert vault.search("db:password").names == ["db/password"]


def test_a_stores_own_separator_matches_slash_and_colon():
    # contrib:secretstores/local/file/filestore.go: nestedSeparator joins nested keys (any string: "::", ".")
    index = NameIndex("::")
    index.add(["db::password", "db:password"])
    assert index.search("db/password").names == ["db::password", "db:password"]
    assert index.search("db::password").names == ["db::password", "db:password"]
    dotted = NameIndex(".")
    dotted.add(["db.password"])
    assert dotted.search("db:password").names == ["db.password"]


def test_a_page_is_folded_whole_yet_a_name_holding_a_newline_stays_one_name():
    index = NameIndex(":")
    index.add(["line\nBreak:Key", "Straße:x", "plain"])  # names are untrusted: any character
    assert index.search("break/key").names == ["line\nBreak:Key"]
    assert index.search("strasse").names == ["Straße:x"] and index.search("plain").names == ["plain"]


def test_every_word_must_appear_in_any_order():
    index = NameIndex(":")
    index.add(["prod:redis:password", "prod:redis:user", "dev:password"])
    assert index.search("redis password").names == ["prod:redis:password"]
    assert index.search("password redis").names == ["prod:redis:password"]
    assert index.search("  ").total == 3  # only spaces: everything, as an empty query


def test_keys_are_searched_by_name_key_and_by_words_never_by_value():
    index = NameIndex("/")
    index.add(["redis", "db"])
    index.add_keys("redis", ["user", "password"])
    for query in ("redis password", "redis/password", "redis:password", "redis[password]", "PASSWORD"):
        found = index.search(query)
        assert found.keys == [("redis", "password")] and found.names == [], query
    found = index.search("redis")  # the secret itself; its keys are not listed again
    assert found.names == ["redis"] and found.keys == []
    assert index.keys("redis") == ["user", "password"] and index.keys("db") is None
    index.add_keys("redis", ["token"])  # read again: what the store says now
    assert index.search("password").total == 0 and index.search("token").keys == [("redis", "token")]


def test_a_limit_counts_names_then_keys_and_the_total_counts_all():
    index = NameIndex(":")
    index.add(["pass-1", "pass-2"])
    index.add_keys("db", ["pass"])
    found = index.search("pass", limit=2)
    assert found.names == ["pass-1", "pass-2"] and found.keys == [] and found.total == 3


def test_folders_not_listed_are_counted_until_listed():
    index = NameIndex("/", hierarchical=True)
    index.add_folder("a/")
    index.add_folder("b/")
    index.mark_loaded("")
    assert index.folders_unlisted == 2
    index.add_folder("a/c/")
    index.mark_loaded("a/")
    assert index.folders_unlisted == 2  # b/ and a/c/
    index.mark_loaded("a/")  # twice: no change
    index.mark_loaded("b/")
    index.mark_loaded("a/c/")
    assert index.folders_unlisted == 0


def test_hierarchical_folders_are_known_before_they_are_listed():
    index = NameIndex("/", hierarchical=True)
    index.add_folder("team/")
    index.add(["top"])
    index.mark_loaded("")
    team = next(e for e in index.entries() if e.kind == EntryKind.GROUP)
    assert not team.loaded and not index.is_loaded("team/")
    index.add(["team/db"])
    index.mark_loaded("team/")
    assert index.is_loaded("team/")
    assert [e.path for e in index.entries("team/")] == ["team/db"]


def test_without_the_stores_separator_in_any_name_names_group_by_slash():
    index = NameIndex(":")
    index.add(["svc1/key1", "svc1/key2"])
    index.add(["svc2/key1", "plain"])  # a later page
    assert labels(index.entries()) == [("secret", "plain", 0), ("group", "svc1", 2), ("group", "svc2", 1)]
    assert [e.path for e in index.entries("svc1/")] == ["svc1/key1", "svc1/key2"]
    assert [e.label for e in index.route("svc2/key1")] == ["svc2", "key1"]


def test_once_a_name_has_the_stores_separator_it_groups_again():
    index = NameIndex(":")
    index.add(["svc1/key1", "svc2/key1"])
    index.add(["db:password"])
    assert index.separator == ":"
    assert labels(index.entries()) == [("group", "db", 1), ("secret", "svc1/key1", 0), ("secret", "svc2/key1", 0)]
    index.add(["svc3/key1"])  # the store's separator stays
    assert index.separator == ":" and len(index.entries()) == 4


def test_a_hierarchical_index_keeps_its_separator():
    index = NameIndex("/", hierarchical=True)
    index.add(["team/db"])
    assert index.separator == "/"


def test_labels_sort_naturally():
    index = NameIndex(":")
    index.add(["key10", "key2", "Key1", "key1a", "a:x", "b10:x", "b9:x"])
    assert [e.label for e in index.entries()] == ["a", "b9", "b10", "Key1", "key1a", "key2", "key10"]


def test_search_skips_runs_without_a_match_yet_finds_the_same_as_a_scan_of_every_name():
    import random

    rng = random.Random(14)
    index = NameIndex(":")
    names = [f"{rng.choice(['app', 'db', 'Ops'])}-{i}:{rng.choice(['pass', 'user', 'KEY'])}{rng.randrange(50)}" for i in range(5000)]
    names.insert(1234, "odd\nname:key7")  # a page holding a newline is always scanned
    start = 0
    while start < len(names):  # pages of every size: one folder's few names, a store's thousand
        size = rng.choice([1, 7, 300, 1000, 2500])
        index.add(names[start : start + size])
        start += size
    for needle in ("key7", "ops-4", "db-49", "USER1", "app-4999:", "zzz", "d", "odd/name"):
        expected = [name for name in names if index.fold(needle) in index.fold(name)]
        assert index.search(needle).names == expected, needle


def test_a_broad_query_may_stop_counting_and_says_at_least():
    """count_up_to: the first letters typed match every name; the scan stops a run after enough
    were found (the first matches in listing order, as without it) and says the count is a floor."""
    index = NameIndex(":")
    for group in range(20):  # pages of 1,000: a run each
        index.add([f"app-{group:02d}:secret-{group * 1000 + i:05d}" for i in range(1000)])
    whole = index.search("secret", limit=5)
    assert whole.total == 20_000 and not whole.at_least
    capped = index.search("secret", limit=5, count_up_to=2_500)
    assert capped.names == whole.names  # the same first matches
    assert capped.at_least and 2_500 <= capped.total < 20_000  # stopped at a run's end
    narrow = index.search("secret-1234", count_up_to=2_500)  # fewer than the cap: exact
    assert narrow.total == 10 and not narrow.at_least
    assert index.search("secret-0000", count_up_to=5).names == [f"app-00:secret-0000{i}" for i in range(10)]
