"""secretstores.local.file against every rule, table row, worked example and contrib/dapr test case
of dapr-behaviour.md §3.1. Stores are built on real files in tmp_path."""

from __future__ import annotations

import base64
import json
import os
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dapr_secrets.backends.base import LastChanged, SecretNotFound, StoreContext, StoreMisconfigured, parse_time
from dapr_secrets.backends.local_file import PAGE_SIZE, LocalFileStore
from dapr_secrets.components.model import Severity, Source

WORKED_EXAMPLE = (
    '{"a":"x","n":123,"t":true,"z":null,"arr":["p",{"q":"r"},[1]],'
    '"obj":{"k":"v","deep":{"k2":"v2"}},"empty":{},"emptyArr":[]}'
)


def make_store(tmp_path: Path, content: str | bytes | None, **properties: str) -> LocalFileStore:
    """A store over tmp_path/secrets.json (written unless content is None), daprd's cwd = tmp_path."""
    if content is not None:
        data = content.encode() if isinstance(content, str) else content
        (tmp_path / "secrets.json").write_bytes(data)
    properties = {"secretsFile": "secrets.json", **properties}
    return LocalFileStore("file-store", properties, StoreContext(env={}, cwd=str(tmp_path)))


def all_names(store: LocalFileStore) -> list[str]:
    return [entry.name for page in store.list_names() for entry in page]


def init_error(tmp_path: Path, content: str | bytes | None, **properties: str) -> StoreMisconfigured:
    with pytest.raises(StoreMisconfigured) as caught:
        make_store(tmp_path, content, **properties)
    return caught.value


# ----- metadata (§3.1 table; contrib TestInit, TestSeparator)


def test_s3_1_init_with_valid_metadata(tmp_path: Path) -> None:
    """contrib TestInit "valid metadata": secretsFile + nestedSeparator "a" (the reader returns nil)."""
    (tmp_path / "a").write_text("null")
    store = LocalFileStore("s", {"secretsFile": "a", "nestedSeparator": "a"}, StoreContext(env={}, cwd=str(tmp_path)))
    assert store.bulk_get({}) == {}
    assert store.separator == "a"


@pytest.mark.parametrize("properties", [{"dummy": "a"}, {"secretsFile": ""}, {}])
def test_s3_1_missing_secrets_file_is_init_error(tmp_path: Path, properties: dict[str, str]) -> None:
    """contrib TestInit "missing metadata": the error text exactly."""
    with pytest.raises(StoreMisconfigured) as caught:
        LocalFileStore("s", properties, StoreContext(env={}, cwd=str(tmp_path)))
    assert caught.value.message == "missing local secrets file in metadata"
    assert "secretsFile" in caught.value.hint


def test_s3_metadata_names_are_case_insensitive(tmp_path: Path) -> None:
    """§3 DecodeMetadata: SECRETSFILE, NestedSeparator and MULTIVALUED are the same fields."""
    (tmp_path / "f.json").write_text('{"p":{"a":{"b":"v"}}}')
    properties = {"SECRETSFILE": "f.json", "NestedSeparator": ".", "MULTIVALUED": "true"}
    store = LocalFileStore("s", properties, StoreContext(env={}, cwd=str(tmp_path)))
    assert store.get_secret("p", {}) == {"a.b": "v"}


def test_s3_two_spellings_of_one_property_are_an_init_error(tmp_path: Path) -> None:
    """§3 DecodeMetadata: names differing only by case -> "key ... is duplicate in the metadata"."""
    (tmp_path / "f.json").write_text("{}")
    with pytest.raises(StoreMisconfigured) as caught:
        LocalFileStore("s", {"secretsFile": "f.json", "SecretsFile": "f.json"}, StoreContext(env={}, cwd=str(tmp_path)))
    assert caught.value.message == "failed to resolve aliases: key secretsfile is duplicate in the metadata"


def test_s3_1_separator_custom_dot(tmp_path: Path) -> None:
    """contrib TestSeparator: separator "." -> GET root.key1."""
    store = make_store(tmp_path, '{"root":{"key1":"value1","key2":"value2"}}', nestedSeparator=".")
    assert store.get_secret("root.key1", {}) == {"root.key1": "value1"}
    assert store.name_separator == "."


@pytest.mark.parametrize("properties", [{}, {"nestedSeparator": ""}])
def test_s3_1_separator_default_and_empty_mean_colon(tmp_path: Path, properties: dict[str, str]) -> None:
    """contrib TestSeparator "default separator"; §3.1: an empty nestedSeparator also means ":"."""
    store = make_store(tmp_path, '{"root":{"key1":"value1","key2":"value2"}}', **properties)
    assert store.get_secret("root:key2", {}) == {"root:key2": "value2"}
    assert store.name_separator == ":"


@pytest.mark.parametrize(
    ("separator", "name"), [("", "nestedsecret:secret"), ("::", "nestedsecret::secret")]
)
def test_s3_1_certification_default_and_custom_separator(tmp_path: Path, separator: str, name: str) -> None:
    """contrib certification local/file: default separator and nestedSeparator "::"."""
    store = make_store(tmp_path, '{"certtestsecret":"abcd","nestedsecret":{"secret":"efgh"}}', nestedSeparator=separator)
    assert store.get_secret("certtestsecret", {}) == {"certtestsecret": "abcd"}
    assert store.get_secret(name, {}) == {name: "efgh"}


@pytest.mark.parametrize("value", ["true", "True", "1", "yes", "on", "t", " Y "])
def test_s3_multivalued_uses_truthy_parsing(tmp_path: Path, value: str) -> None:
    """§3 IsTruthy for bool fields: these all switch multiValued on."""
    store = make_store(tmp_path, '{"p":{"k":"v"}}', multiValued=value)
    assert store.multi_valued is True
    assert store.get_secret("p", {}) == {"k": "v"}


@pytest.mark.parametrize("value", ["false", "", "0", "garbage", "no"])
def test_s3_multivalued_anything_else_is_false(tmp_path: Path, value: str) -> None:
    """§3 IsTruthy: anything else (garbage included) is false, never an error."""
    store = make_store(tmp_path, '{"p":{"k":"v"}}', multiValued=value)
    assert store.multi_valued is False
    assert store.get_secret("p:k", {}) == {"p:k": "v"}


# ----- where the file is (relative to daprd's cwd)


def test_s3_1_relative_path_resolves_against_daprd_cwd(tmp_path: Path) -> None:
    """§3.1: relative secretsFile is relative to daprd's working directory, not ours."""
    daprd_cwd = tmp_path / "daprd"
    (daprd_cwd / "conf").mkdir(parents=True)
    (daprd_cwd / "conf" / "s.json").write_text('{"k":"v"}')
    store = LocalFileStore("s", {"secretsFile": "conf/s.json"}, StoreContext(env={}, cwd=str(daprd_cwd)))
    assert store.get_secret("k", {}) == {"k": "v"}
    assert store.path == os.path.join(str(daprd_cwd), "conf/s.json")


def test_s3_1_absolute_path_ignores_cwd(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text('{"k":"v"}')
    store = LocalFileStore("s", {"secretsFile": str(tmp_path / "s.json")}, StoreContext(env={}, cwd="/nonexistent"))
    assert store.get_secret("k", {}) == {"k": "v"}


def test_s3_1_missing_file_is_go_open_error(tmp_path: Path) -> None:
    """§3.1: missing file -> Init error "open X: no such file or directory" (the path as written)."""
    error = init_error(tmp_path, None)
    assert error.message == "open secrets.json: no such file or directory"
    assert str(tmp_path) in error.hint and "absolute" in error.hint


def test_s3_1_missing_file_hint_when_it_exists_beside_the_component(tmp_path: Path) -> None:
    """§3.1: the classic mistake, a path relative to the component file: the hint says where it is
    and how to fix it (run from that folder or make the path absolute)."""
    components = tmp_path / "components"
    components.mkdir()
    (components / "store.yaml").write_text("kind: Component\n")
    (components / "secrets.json").write_text('{"k":"v"}')
    context = StoreContext(env={}, cwd=str(tmp_path), component_source=Source(str(components / "store.yaml"), 3))
    with pytest.raises(StoreMisconfigured) as caught:
        LocalFileStore("s", {"secretsFile": "secrets.json"}, context)
    assert caught.value.message == "open secrets.json: no such file or directory"
    assert str(components / "secrets.json") in caught.value.hint
    assert f"run daprd (and dapr-secrets) from {components}" in caught.value.hint
    assert "absolute" in caught.value.hint


def test_s3_1_directory_is_go_read_error(tmp_path: Path) -> None:
    (tmp_path / "dir.json").mkdir()
    error = init_error(tmp_path, None, secretsFile="dir.json")
    assert error.message == "read dir.json: is a directory"


def test_s3_1_nul_in_path_is_an_init_error_not_a_crash(tmp_path: Path) -> None:
    error = init_error(tmp_path, None, secretsFile="a\x00b")
    assert error.message == "open a\x00b: invalid argument"


def test_s3_1_file_is_read_once_at_init(tmp_path: Path) -> None:
    """§3.1: the file is read once (daprd needs a restart to see changes)."""
    store = make_store(tmp_path, '{"k":"v"}')
    (tmp_path / "secrets.json").write_text('{"k":"changed","new":"x"}')
    assert store.get_secret("k", {}) == {"k": "v"}
    assert all_names(store) == ["k"]


# ----- decoding the file (Go's json.Unmarshal into map[string]interface{})


@pytest.mark.parametrize(
    ("content", "kind"), [("[1,2]", "array"), ("42", "number"), ('"text"', "string"), ("true", "bool")]
)
def test_s3_1_top_level_non_object_is_go_unmarshal_error(tmp_path: Path, content: str, kind: str) -> None:
    """§3.1: a top-level array/number/string -> Go's "cannot unmarshal ... into Go value of type map"."""
    error = init_error(tmp_path, content)
    assert error.message == f"json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"


def test_s3_1_top_level_null_is_an_empty_store(tmp_path: Path) -> None:
    """§3.1: top-level null -> no error, empty store (Go decodes null into a nil map)."""
    store = make_store(tmp_path, " null \n")
    assert store.bulk_get({}) == {}
    assert all_names(store) == []
    with pytest.raises(SecretNotFound):
        store.get_secret("k", {})
    assert [d.code for d in store.diagnostics()] == ["empty-secrets-file"]


def test_s3_1_utf8_bom_is_go_invalid_character_error(tmp_path: Path) -> None:
    """§3.1: a UTF-8 BOM -> Init error, in Go's words."""
    error = init_error(tmp_path, b'\xef\xbb\xbf{"k":"v"}')
    assert error.message == "invalid character 'ï' looking for beginning of value"
    assert "BOM" in error.hint


@pytest.mark.parametrize("content", ['{"k":"top-secret-value",}', '{"k" "top-secret-value"}', '{} x'])
def test_s3_1_invalid_json_is_init_error_without_content(tmp_path: Path, content: str) -> None:
    """§3.1: invalid JSON -> Init error; the message names the place, never the content."""
    error = init_error(tmp_path, content)
    assert error.message.startswith("the secrets file is not valid JSON")
    assert "line 1" in error.message
    assert "top-secret-value" not in error.message + error.hint


@pytest.mark.parametrize("content", ["", "   \n", '{"k":', "[1,2"])
def test_s3_1_empty_or_truncated_file_is_go_end_of_input(tmp_path: Path, content: str) -> None:
    assert init_error(tmp_path, content).message == "unexpected end of JSON input"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_s3_1_nan_and_infinity_are_not_json(tmp_path: Path, constant: str) -> None:
    """Python's json accepts these; Go's does not."""
    error = init_error(tmp_path, '{"k":%s}' % constant)
    assert error.message.startswith("invalid character 'N'" if constant == "NaN" else "invalid character 'I'")


def test_s3_1_number_beyond_float64_is_init_error_without_the_number(tmp_path: Path) -> None:
    error = init_error(tmp_path, '{"k":"v","n":1e400}')
    assert error.message == "json: cannot unmarshal number into Go value of type float64"
    assert "1e400" not in error.message + error.hint


def test_s3_1_top_level_array_error_wins_over_number_range(tmp_path: Path) -> None:
    """Go skips a top-level array after the type error, so its numbers are never converted."""
    assert "cannot unmarshal array" in init_error(tmp_path, "[1e400]").message


def test_s3_1_syntax_error_wins_over_number_range(tmp_path: Path) -> None:
    """Go checks the syntax of the whole input before decoding it."""
    assert init_error(tmp_path, '{"n":1e400,').message == "unexpected end of JSON input"


def test_s3_1_duplicate_json_keys_last_wins(tmp_path: Path) -> None:
    store = make_store(tmp_path, '{"k":"first","k":"last"}')
    assert store.get_secret("k", {}) == {"k": "last"}
    assert store.diagnostics() == []


def test_invalid_utf8_bytes_become_one_replacement_char_each(tmp_path: Path) -> None:
    """Go's decoder replaces every invalid byte in a string by U+FFFD (E2 82 = two bytes -> two)."""
    store = make_store(tmp_path, b'{"k":"a\xe2\x82b\xffc"}')
    assert store.get_secret("k", {}) == {"k": "a\ufffd\ufffdb\ufffdc"}


def test_lone_surrogate_escapes_become_replacement_char(tmp_path: Path) -> None:
    """Go turns a lone \\ud800 into U+FFFD; a valid pair stays one character; \\\\ud800 is text."""
    content = r'{"lone":"a\ud800b","pair":"\ud83d\ude00","two":"\udbff\ud83d\ude00","escaped":"\\ud800","\udc00":"k"}'
    store = make_store(tmp_path, content)
    assert store.get_secret("lone", {}) == {"lone": "a\ufffdb"}
    assert store.get_secret("pair", {}) == {"pair": "\U0001f600"}
    assert store.get_secret("two", {}) == {"two": "\ufffd\U0001f600"}
    assert store.get_secret("escaped", {}) == {"escaped": "\\ud800"}
    assert store.get_secret("\ufffd", {}) == {"\ufffd": "k"}


def test_too_deep_nesting_is_an_init_error_not_a_crash(tmp_path: Path) -> None:
    error = init_error(tmp_path, '{"k":' + "[" * 5000 + "]" * 5000 + "}")
    assert "nests deeper" in error.message


def test_deep_nesting_within_python_limits_flattens(tmp_path: Path) -> None:
    depth = 400
    store = make_store(tmp_path, '{"k":' + "[" * depth + '"v"' + "]" * depth + "}")
    assert store.get_secret("k" + ":0" * depth, {}) == {"k" + ":0" * depth: "v"}


# ----- flattening (§3.1)


@pytest.mark.parametrize(
    ("leaf", "text"),
    [
        ('"str"', "str"),
        ("123", "%!s(float64=123)"),
        ("-7", "%!s(float64=-7)"),
        ("1.5", "%!s(float64=1.5)"),
        ("0", "%!s(float64=0)"),
        ("123456", "%!s(float64=123456)"),
        ("999999", "%!s(float64=999999)"),
        ("1000000", "%!s(float64=1e+06)"),
        ("1234567", "%!s(float64=1.234567e+06)"),
        ("100000000000", "%!s(float64=1e+11)"),
        ("0.0001", "%!s(float64=0.0001)"),
        ("0.00012", "%!s(float64=0.00012)"),
        ("0.00001", "%!s(float64=1e-05)"),
        ("-0.0", "%!s(float64=-0)"),
        ("-0", "%!s(float64=-0)"),
        ("1e21", "%!s(float64=1e+21)"),
        ("12345678901234567890", "%!s(float64=1.2345678901234567e+19)"),
        ("9007199254740993", "%!s(float64=9.007199254740992e+15)"),
        ("true", "%!s(bool=true)"),
        ("false", "%!s(bool=false)"),
        ("null", "%!s(<nil>)"),
        # Go %v rule beyond the table: exponent < -4 or >= 6, at least two exponent digits.
        ("1e100", "%!s(float64=1e+100)"),
        ("1.5e-7", "%!s(float64=1.5e-07)"),
        ("100000", "%!s(float64=100000)"),
        ("-123.456e3", "%!s(float64=-123456)"),
        ("1e-400", "%!s(float64=0)"),
    ],
)
def test_s3_1_leaves_are_go_percent_s_text(tmp_path: Path, leaf: str, text: str) -> None:
    """§3.1 leaf table: every row, verbatim."""
    store = make_store(tmp_path, '{"k":%s}' % leaf)
    assert store.get_secret("k", {}) == {"k": text}


def test_s3_1_worked_example_flat(tmp_path: Path) -> None:
    """§3.1 worked example, name/value mode: exact keys and values, in file order."""
    store = make_store(tmp_path, WORKED_EXAMPLE)
    expected = {
        "a": "x",
        "n": "%!s(float64=123)",
        "t": "%!s(bool=true)",
        "z": "%!s(<nil>)",
        "arr:0": "p",
        "arr:1:q": "r",
        "arr:2:0": "%!s(float64=1)",
        "obj:k": "v",
        "obj:deep:k2": "v2",
    }
    assert store.bulk_get({}) == {name: {name: value} for name, value in expected.items()}
    assert all_names(store) == list(expected)
    for name, value in expected.items():
        assert store.get_secret(name, {}) == {name: value}
    for missing in ("empty", "emptyArr", "obj", "arr"):
        with pytest.raises(SecretNotFound):
            store.get_secret(missing, {})


def test_s3_1_worked_example_multivalued(tmp_path: Path) -> None:
    """§3.1 worked example, multiValued mode: top-level strings and objects only."""
    store = make_store(tmp_path, WORKED_EXAMPLE, multiValued="true")
    assert store.bulk_get({}) == {"a": {"a": "x"}, "obj": {"k": "v", "deep:k2": "v2"}, "empty": {}}
    assert store.get_secret("empty", {}) == {}
    for dropped in ("n", "t", "z", "arr", "emptyArr", "obj:k"):
        with pytest.raises(SecretNotFound) as caught:
            store.get_secret(dropped, {})
        assert caught.value.message == f"secret {dropped} not found"
    dropped_codes = [(d.code, d.secret) for d in store.diagnostics()]
    assert dropped_codes == [("multivalued-dropped", name) for name in ("n", "t", "z", "arr", "emptyArr")]


def test_s3_1_flattening_collision_keeps_first_in_file_order_and_warns(tmp_path: Path) -> None:
    """§3.1: `{"a:b":"x","a":{"b":"y"}}` collide; Go picks at random, we keep the first and warn."""
    store = make_store(tmp_path, '{"a:b":"value-one","a":{"b":"value-two"},"later":"z"}')
    assert store.get_secret("a:b", {}) == {"a:b": "value-one"}
    assert store.get_secret("later", {}) == {"later": "z"}
    [warning] = store.diagnostics()
    assert (warning.severity, warning.code, warning.secret) == (Severity.WARNING, "flatten-collision", "a:b")
    assert warning.source == Source(str(tmp_path / "secrets.json"))
    assert warning.component == "file-store"
    assert "random" in warning.message and warning.hint
    assert "value-" not in warning.message + warning.hint


def test_s3_1_flattening_in_bulk_gives_the_leaf_by_leaf_result(tmp_path: Path) -> None:
    # contrib:secretstores/local/file/filestore.go visitJSONObject: objects of strings only are added
    # whole (a speed-up); order, kept-first collisions and odd leaves must not change.
    store = make_store(
        tmp_path,
        '{"a":{"b":"first"},"a:b":"second","m":{"x":"1","y":{"z":"2"},"n":3},"p":{"q:r":"1"},"p:q":{"r":"2"}}',
    )
    names = [entry.name for page in store.list_names() for entry in page]
    assert names == ["a:b", "m:x", "m:y:z", "m:n", "p:q:r"]
    assert store.get_secret("a:b", {}) == {"a:b": "first"}
    assert store.get_secret("p:q:r", {}) == {"p:q:r": "1"}
    assert store.get_secret("m:n", {}) == {"m:n": "%!s(float64=3)"}
    codes = [(d.code, d.secret) for d in store.diagnostics()]
    assert codes == [("non-string-value", "m:n"), ("flatten-collision", "a:b"), ("flatten-collision", "p:q:r")]
    assert store.loaded_names() == names


def test_s3_1_flattening_in_bulk_past_one_step_keeps_order_and_odd_leaves(tmp_path: Path) -> None:
    # contrib:secretstores/local/file/filestore.go visitJSONObject, over objects larger than one
    # bulk step: a number far into an object still gets Go's %!s text and its warning.
    inner = {f"k{i}": f"v{i}" for i in range(20_000)}
    inner["k15000"] = 7
    document = {f"top{i}": "x" for i in range(20_000)} | {"inner": inner}
    store = make_store(tmp_path, json.dumps(document))
    names = store.loaded_names()
    assert names == [f"top{i}" for i in range(20_000)] + [f"inner:k{i}" for i in range(20_000)]
    assert store.get_secret("inner:k15000", {}) == {"inner:k15000": "%!s(float64=7)"}
    assert [(d.code, d.secret) for d in store.diagnostics()] == [("non-string-value", "inner:k15000")]


_json_leaf = st.one_of(st.text(max_size=3), st.integers(-3, 3).map(float), st.booleans(), st.none())  # numbers decode as float64
_json_key = st.text(alphabet="ab:.0", max_size=3)
_json_document = st.dictionaries(
    _json_key,
    st.recursive(_json_leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_json_key, inner, max_size=4), max_leaves=12),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(document=_json_document, separator=st.sampled_from([":", ".", "0"]))
def test_s3_1_names_before_values_give_the_flattened_result(document: dict, separator: str) -> None:
    # contrib:secretstores/local/file/filestore.go visitJSONObject: a file of strings and objects only,
    # no key holding the separator, is listed before its {name: value} map is built (plain_names);
    # names, their order and every value must be what the full walk gives.
    from dapr_secrets.backends.local_file import flatten, plain_names

    flat = flatten(document, separator)
    plain = plain_names(document, separator)
    if plain is not None:
        assert plain.names == list(flat.values)
        # what `list` prints, joined group by group without one string per name
        assert (plain.text(), plain.count) == ("\n".join(flat.values), len(flat.values))
        assert list(plain.values().items()) == list(flat.values.items())
        assert not flat.collisions and not flat.odd_leaves


def test_s3_1_names_before_values_store_answers_alike(tmp_path: Path) -> None:
    # contrib:secretstores/local/file/filestore.go visitJSONObject: the store lists a plain file
    # without building its map, then answers get and bulk from the same flattening.
    store = make_store(tmp_path, '{"a":{"b":"1","c":{"d":"2"},"e":{}},"f":"3"}')
    assert store.loaded_names() == ["a:b", "a:c:d", "f"]
    assert store.get_secret("a:c:d", {}) == {"a:c:d": "2"}
    assert store.bulk_get({}) == {"a:b": {"a:b": "1"}, "a:c:d": {"a:c:d": "2"}, "f": {"f": "3"}}
    assert store.diagnostics() == []


def _decode_outcome(decode, text: str) -> tuple[str, object]:
    try:
        value = decode(text)
    except Exception as error:  # noqa: BLE001 - the outcome compared is the error itself
        return "error", (type(error), str(error))
    return "value", (value, json.dumps(value))  # the dump compares key order too


_json_text = st.one_of(
    st.builds(
        lambda document, indent, separators: json.dumps(document, indent=indent, separators=separators),
        _json_document, st.sampled_from([None, 1]), st.sampled_from([(",", ":"), (", ", ": ")]),
    ),
    st.text(alphabet='{}[]",: \n\\abn0123e.-tru', max_size=40),  # mostly not JSON
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_json_text, cut_at=st.integers(0, 12), small_member=st.sampled_from([0, 6, 1 << 20]))
def test_s3_1_large_file_decoded_in_steps_as_in_one_call(monkeypatch, text: str, cut_at: int, small_member: int) -> None:
    # contrib:secretstores/local/file/filestore.go Init: json.Unmarshal of the whole file. A large file
    # is decoded in steps (the UI keeps running); the document, its key order, and any error must be
    # exactly one call's. Steps forced tiny here, so pieces are cut everywhere.
    from dapr_secrets.backends import local_file

    monkeypatch.setattr(local_file, "_DECODE_STEP", cut_at)
    monkeypatch.setattr(local_file, "_SMALL_MEMBER", small_member)  # 0: member by member only
    decoder = json.JSONDecoder(parse_int=float, parse_float=float)
    one_call = _decode_outcome(decoder.decode, text)
    assert _decode_outcome(lambda t: local_file._decode_in_steps(t, decoder), text) == one_call
    if one_call[0] == "value" and type(one_call[1][0]) is dict:
        assert local_file._members_in_steps(text, decoder) == one_call[1][0]  # no fallback for a valid object


def test_s3_1_multivalued_duplicate_keys_are_map_order_dependent(tmp_path: Path) -> None:
    # contrib:secretstores/local/file/filestore.go Init (multiValued) + visitJSONObject/visitPrimitive:
    # the "duplicate key" error aborts without popping the path and is ignored
    store = make_store(tmp_path, '{"p":{"a.b":"1","a":{"b":"2"}},"q":{"k":"v"}}', multiValued="1", nestedSeparator=".")
    assert store.get_secret("p", {}) == {"a.b": "1"}  # one possible outcome
    [warning] = store.diagnostics()
    assert (warning.code, warning.secret) == ("flatten-collision", "p")
    assert "map iteration order" in warning.message and "stray prefix" in warning.message
    assert "one possible outcome" in warning.message
    notes = {e.name: e.note for page in store.list_names() for e in page}
    assert "map-order dependent" in notes["p"] and "stray prefix" in notes["q"]


def test_s3_1_empty_objects_and_arrays_vanish(tmp_path: Path) -> None:
    store = make_store(tmp_path, '{"e":{},"l":[],"o":{"e":{},"l":[[],{}]},"k":"v"}')
    assert all_names(store) == ["k"]


def test_s3_1_top_level_leaf_with_separator_in_its_name(tmp_path: Path) -> None:
    store = make_store(tmp_path, '{"a:b":"v","":"empty-name"}')
    assert store.get_secret("a:b", {}) == {"a:b": "v"}
    assert store.get_secret("", {}) == {"": "empty-name"}


# ----- the API (contrib TestGetSecret, TestBulkGetSecret, TestMultiValuedSecrets; docs; dapr tests)


def test_s3_1_get_secret_and_not_found(tmp_path: Path) -> None:
    """contrib TestGetSecret (separator "a"): found; "NoSecret" -> "secret NoSecret not found";
    no MULTIPLE_KEY_VALUES_PER_SECRET feature."""
    store = make_store(tmp_path, '{"secret":"secret"}', nestedSeparator="a")
    assert store.get_secret("secret", {}) == {"secret": "secret"}
    with pytest.raises(SecretNotFound) as caught:
        store.get_secret("NoSecret", {})
    assert str(caught.value) == "secret NoSecret not found"
    assert store.multi_valued is False


def test_s3_1_bulk_get_secret(tmp_path: Path) -> None:
    """contrib TestBulkGetSecret."""
    store = make_store(tmp_path, '{"secret":"secret"}', nestedSeparator="a")
    assert store.bulk_get({})["secret"]["secret"] == "secret"


def test_s3_1_multivalued_secrets_contrib_case(tmp_path: Path) -> None:
    """contrib TestMultiValuedSecrets: the feature, GET parent and bulk, exactly."""
    content = '{"parent":{"child1":"12345","child2":{"child3":"67890","child4":"00000"}}}'
    store = make_store(tmp_path, content, multiValued="true")
    expected = {"child1": "12345", "child2:child3": "67890", "child2:child4": "00000"}
    assert store.multi_valued is True
    assert store.get_secret("parent", {}) == expected
    assert store.bulk_get({}) == {"parent": expected}
    assert store.name_separator is None


def test_s3_1_docs_example_both_modes(tmp_path: Path) -> None:
    """docs file-secret-store example: connectionStrings in name/value and multiValued mode."""
    content = '{"redisPassword":"pw","connectionStrings":{"sql":"s","mysql":"m"}}'
    flat = make_store(tmp_path, content)
    assert all_names(flat) == ["redisPassword", "connectionStrings:sql", "connectionStrings:mysql"]
    assert flat.get_secret("connectionStrings:sql", {}) == {"connectionStrings:sql": "s"}
    with pytest.raises(SecretNotFound, match="^secret connectionStrings not found$"):
        flat.get_secret("connectionStrings", {})
    multi = make_store(tmp_path, content, multiValued="true")
    assert multi.get_secret("connectionStrings", {}) == {"sql": "s", "mysql": "m"}
    with pytest.raises(SecretNotFound):
        multi.get_secret("connectionStrings:sql", {})


def test_s3_1_docs_example_deeper_multivalued(tmp_path: Path) -> None:
    store = make_store(tmp_path, '{"connectionStrings":{"mysql":{"username":"u","password":"p"}}}', multiValued="true")
    assert store.get_secret("connectionStrings", {}) == {"mysql:username": "u", "mysql:password": "p"}


def test_s3_1_multivalued_top_level_string_and_nonstring_inner_leaves(tmp_path: Path) -> None:
    store = make_store(tmp_path, '{"s":"v","o":{"n":5,"b":false}}', multiValued="true")
    assert store.get_secret("s", {}) == {"s": "v"}
    assert store.get_secret("o", {}) == {"n": "%!s(float64=5)", "b": "%!s(bool=false)"}
    codes = [(d.code, d.secret) for d in store.diagnostics()]
    assert codes == [("non-string-value", "o"), ("non-string-value", "o")]


def test_s3_1_dapr_integration_empty_file_get_fails(tmp_path: Path) -> None:
    """dapr compname.go: file `{}` -> GET key1 fails with "secret key1 not found"."""
    store = make_store(tmp_path, "{}")
    with pytest.raises(SecretNotFound, match="^secret key1 not found$"):
        store.get_secret("key1", {})


def test_s3_1_dapr_integration_fuzz_random_keys(tmp_path: Path) -> None:
    """dapr fuzz.go: 1000 random base64 keys/values -> each GET returns exactly {key: value}."""
    rng = random.Random(1234)
    secrets = {
        base64.b64encode(rng.randbytes(rng.randint(1, 40))).decode(): base64.b64encode(rng.randbytes(20)).decode()
        for _ in range(1000)
    }
    store = make_store(tmp_path, json.dumps(secrets))
    for key, value in secrets.items():
        assert store.get_secret(key, {}) == {key: value}


def test_s5_conformance_local_file(tmp_path: Path) -> None:
    """§5 conformance: fixture + nestedSeparator ":": get and bulk."""
    store = make_store(tmp_path, '{"conftestsecret":"abcd","secondsecret":"efgh"}', nestedSeparator=":")
    assert store.get_secret("conftestsecret", {}) == {"conftestsecret": "abcd"}
    bulk = store.bulk_get({})
    assert bulk["conftestsecret"] == {"conftestsecret": "abcd"}
    assert bulk["secondsecret"] == {"secondsecret": "efgh"}


def test_results_are_copies(tmp_path: Path) -> None:
    store = make_store(tmp_path, '{"p":{"k":"v"}}', multiValued="true")
    store.get_secret("p", {})["k"] = "changed"
    store.bulk_get({})["p"]["k"] = "changed"
    assert store.get_secret("p", {}) == {"k": "v"}


# ----- browsing: list_names, describe, diagnostics


def test_list_names_pages_in_file_order(tmp_path: Path) -> None:
    count = PAGE_SIZE * 2 + 5
    store = make_store(tmp_path, json.dumps({"g": {f"k{i}": "v" for i in range(count)}}))
    pages = list(store.list_names())
    assert [len(page) for page in pages] == [PAGE_SIZE, PAGE_SIZE, 5]
    assert [entry.name for page in pages for entry in page] == [f"g:k{i}" for i in range(count)]
    assert not any(entry.is_folder for page in pages for entry in page)


def test_list_names_notes_go_text_without_the_value(tmp_path: Path) -> None:
    store = make_store(tmp_path, '{"port":6379,"k":"v"}')
    entries = {entry.name: entry for page in store.list_names() for entry in page}
    assert "float64" in entries["port"].note and "6379" not in entries["port"].note
    assert entries["k"].note == ""


def test_describe_gives_file_and_key_count_never_values(tmp_path: Path) -> None:
    store = make_store(tmp_path, '{"p":{"a":"secret-a","b":"secret-b"},"n":7}', multiValued="true")
    details = store.describe("p")
    assert details.attributes == {"file": str(tmp_path / "secrets.json"), "keys": "2"}
    assert "secret-a" not in repr(details)
    with pytest.raises(SecretNotFound):
        store.describe("n")


def test_s3_1_diagnostics_for_number_bool_and_null_leaves(tmp_path: Path) -> None:
    """doctor: each non-string leaf is a WARNING naming the secret, Go's text and the fix; no value."""
    store = make_store(tmp_path, '{"n":8675309,"t":true,"z":null,"s":"ok"}')
    found = store.diagnostics()
    assert [(d.code, d.secret, d.severity) for d in found] == [
        ("non-string-value", "n", Severity.WARNING),
        ("non-string-value", "t", Severity.WARNING),
        ("non-string-value", "z", Severity.WARNING),
    ]
    number = found[0]
    assert "%!s(float64=…)" in number.message and "8675309" not in number.message + number.hint
    assert "Quote the value" in number.hint
    assert number.source == Source(str(tmp_path / "secrets.json"))
    assert "%!s(<nil>)" in found[2].message


def test_diagnostics_are_capped_per_kind(tmp_path: Path) -> None:
    store = make_store(tmp_path, json.dumps({f"n{i}": i for i in range(100)}))
    found = store.diagnostics()
    assert len(found) == 21
    assert found[-1].severity == Severity.INFO and "80 more" in found[-1].message


# ----- robustness


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False) | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=json_values, multi=st.booleans(), separator=st.sampled_from(["", ":", ".", "::"]))
def test_any_json_never_crashes_and_bulk_agrees_with_list(tmp_path: Path, document: object, multi: bool, separator: str) -> None:
    try:
        store = make_store(tmp_path, json.dumps(document), multiValued=str(multi), nestedSeparator=separator)
    except StoreMisconfigured as error:
        assert error.message
        return
    bulk = store.bulk_get({})
    assert bulk is not None
    assert list(bulk) == all_names(store)
    for name in bulk:
        assert store.get_secret(name, {}) == bulk[name]
    store.diagnostics()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=60) | st.text(alphabet='{}[]":,\\ud80tfn01e-. ', max_size=40).map(str.encode))
def test_arbitrary_bytes_are_a_store_or_an_init_error(tmp_path: Path, data: bytes) -> None:
    try:
        store = make_store(tmp_path, data)
    except StoreMisconfigured as error:
        assert error.message
        return
    assert list(store.bulk_get({}) or {}) == all_names(store)


def test_last_changed_is_the_files_modification_time_said_as_such(tmp_path):
    """A JSON file has no time per secret: every secret reports the file's modification time, taken
    when the file was read, labelled "file modified" (it may predate a secret's last real change)."""
    (tmp_path / "secrets.json").write_text(json.dumps({"db": {"password": "mtime-canary"}, "api": "k"}))
    moment = 1_764_836_400  # 2025-12-04 08:20:00Z
    os.utime(tmp_path / "secrets.json", (moment, moment))
    store = make_store(tmp_path, None)
    expected = LastChanged(datetime(2025, 12, 4, 8, 20, tzinfo=UTC), "file modified")
    assert store.last_changed("db:password") == expected == store.describe("api").last_changed
    assert {entry.changed for page in store.list_names() for entry in page} == {expected}
    with pytest.raises(SecretNotFound):
        store.last_changed("nope")
    os.utime(tmp_path / "secrets.json", (moment + 60, moment + 60))
    assert store.last_changed("api") == expected  # what was read is what is dated


def test_time_parsing_takes_every_stores_rfc_3339_to_utc_and_refuses_the_rest():
    assert parse_time("2026-01-02T03:04:05.123456789Z") == datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    assert parse_time("2026-01-02T05:04:05+02:00") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_time("2026-01-02 03:04:05") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)  # no zone: UTC
    assert [parse_time(text) for text in ("", "yesterday", "2026-13-02T03:04:05Z", "2026-01-02")] == [None] * 4
    naive = LastChanged.at(datetime(2026, 1, 2, 3, 4, 5), "updated")
    assert naive is not None and naive.when.tzinfo == UTC and naive.minute() == "2026-01-02 03:04Z"
    assert LastChanged.at(None, "updated") is None
