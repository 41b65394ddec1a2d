"""qsh canonicalisation, checked against the spec's example and the independent atlassian_jwt."""

from urllib.parse import quote
from urllib.parse import quote_plus
from urllib.parse import urlencode

import pytest
from atlassian_jwt.url_utils import canonicalize_request
from atlassian_jwt.url_utils import hash_url
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from connect.jwt import canonical_path
from connect.jwt import canonical_query
from connect.jwt import canonical_request
from connect.jwt import compute_qsh
from connect.jwt import relative_path

SPEC_EXAMPLE = (
    "GET&/path/to/service&first=param&repeated=parameter%201,parameter%202&zee_last=param"
)


def test_spec_example_canonical_request():
    params = [
        ("zee_last", "param"),
        ("repeated", "parameter 1"),
        ("first", "param"),
        ("repeated", "parameter 2"),
    ]
    assert canonical_request("get", "/path/to/service", params) == SPEC_EXAMPLE
    url = "/path/to/service?zee_last=param&repeated=parameter 1&first=param&repeated=parameter 2"
    assert canonicalize_request("GET", url) == SPEC_EXAMPLE
    assert compute_qsh("GET", "/path/to/service", params) == hash_url("GET", url)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", "/"),
        ("/", "/"),
        ("//", "/"),
        ("/rest/api/3/myself", "/rest/api/3/myself"),
        ("/rest/api/3/myself/", "/rest/api/3/myself"),
        ("rest/api", "/rest/api"),
        ("/a&b/c&", "/a%26b/c%26"),
        ("/already%20encoded", "/already%20encoded"),
    ],
)
def test_canonical_path(path, expected):
    assert canonical_path(path) == expected


@pytest.mark.parametrize(
    ("full_path", "base_url", "expected"),
    [
        ("/app/installed", "https://x.io/app", "/installed"),
        ("/app/installed", "https://x.io/app/", "/installed"),
        ("/app", "https://x.io/app", "/"),
        ("/app/", "https://x.io/app", "/"),
        ("/installed", "https://x.io", "/installed"),
        ("/installed", "https://x.io/", "/installed"),
        ("/application/x", "https://x.io/app", "/application/x"),
        ("/other/x", "https://x.io/app", "/other/x"),
        ("/a/b/c", "https://x.io/a/b", "/c"),
    ],
)
def test_relative_path(full_path, base_url, expected):
    assert relative_path(full_path, base_url) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([], ""),
        ([("jwt", "abc")], ""),
        ([("a", "1"), ("jwt", "abc")], "a=1"),
        ([("empty", "")], "empty="),
        ([("k", "a b")], "k=a%20b"),
        ([("k", "a+b")], "k=a%2Bb"),
        ([("k", "*~-._")], "k=%2A~-._"),
        ([("k", "a&b=c,d")], "k=a%26b%3Dc%2Cd"),
        ([("k", "/?#[]@!$'()")], "k=%2F%3F%23%5B%5D%40%21%24%27%28%29"),
        ([("k", "é")], "k=%C3%A9"),
        ([("b", "1"), ("A", "2"), ("a", "3")], "A=2&a=3&b=1"),
        # Pairs sort by *encoded* key: "%C3%A9" < "z" although "z" < "é".
        ([("z", "1"), ("é", "2")], "%C3%A9=2&z=1"),
        # Repeated values sort by *unencoded* text: "~" < "é" although "%C3%A9" < "~".
        ([("k", "é"), ("k", "~")], "k=~,%C3%A9"),
        ([("k", "b"), ("k", ""), ("k", "a")], "k=,a,b"),
        # UTF-16 code-unit order, as Java and JS sort: U+1F600 (D83D DE00) before U+FF5E.
        ([("k", "\uff5e"), ("k", "\U0001f600")], "k=%F0%9F%98%80,%EF%BD%9E"),
    ],
)
def test_canonical_query(params, expected):
    assert canonical_query(params) == expected


def test_canonical_query_accepts_mappings_and_multidicts():
    pairs = [("b", "2"), ("a", "y"), ("a", "x"), ("jwt", "t")]
    expected = "a=x,y&b=2"
    assert canonical_query(pairs) == expected
    assert canonical_query({"a": ["y", "x"], "b": ["2"], "jwt": ["t"]}) == expected
    assert canonical_query({"a": ["y", "x"], "b": "2"}) == expected
    assert canonical_query(MultiDict(pairs)) == expected
    assert canonical_query(MultiDict(pairs).lists()) == expected


# --- property test against atlassian_jwt --------------------------------------------------------
#
# atlassian_jwt parses a URL string, so the strategies stay where that parse is unambiguous:
# path segments avoid ";" (urlparse splits path params), ":" (a first segment "a:b" is read as a
# scheme), "?"/"#", and empty segments (it strips *all* leading/trailing slashes; the spec and the
# Java implementation remove one trailing slash).
#
# Repeated values: atlassian_jwt sorts them in Python code-point order; Jira (Java) and ACE (JS)
# sort by UTF-16 code units, which we follow. The two disagree only when a value has a character
# in U+E000..U+FFFF where another has one above U+FFFF, so that range is left out of *values*
# (keys sort by their ASCII encoded form, so keys get the full range).

_SPECIALS = " +*~&=%#?/;,!'()$@:[]é\u00a0\u4e2d\U0001f600"
_key_text = st.text(
    st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(_SPECIALS)),
    min_size=1,
    max_size=8,
)
_value_char = st.one_of(
    st.characters(max_codepoint=0xDFFF, exclude_categories=("Cs",)),
    st.characters(min_codepoint=0x10000, exclude_categories=("Cs",)),
    st.sampled_from(_SPECIALS),
)
_keys = st.one_of(st.sampled_from(["a", "b", "A", "jwt", "a b", "a*"]), _key_text)
_values = st.one_of(st.just(""), st.text(_value_char, max_size=10))
_params = st.lists(st.tuples(_keys, _values), max_size=8)
_segment = st.lists(
    st.sampled_from([*"abcXYZ019-._~!$'()*+,=@&", "%20", "%C3%A9"]), min_size=1, max_size=6
).map("".join)
_paths = st.builds(
    lambda segments, trailing: "/" + "/".join(segments) + ("/" if trailing else ""),
    st.lists(_segment, max_size=4),
    st.booleans(),
)
_methods = st.sampled_from(["GET", "post", "Put", "DELETE", "patch"])


def _url(path, params, quoting):
    if not params:
        return path
    query = "&".join(f"{quoting(k, safe='')}={quoting(v, safe='')}" for k, v in params)
    return f"{path}?{query}"


@settings(max_examples=300, deadline=None)
@given(method=_methods, path=_paths, params=_params, plus=st.booleans())
def test_qsh_matches_atlassian_jwt(method, path, params, plus):
    url = _url(path, params, quote_plus if plus else quote)
    assert canonical_request(method, path, params) == canonicalize_request(method, url)
    assert compute_qsh(method, path, params) == hash_url(method, url)


@settings(max_examples=100, deadline=None)
@given(method=_methods, params=_params)
def test_qsh_same_for_every_params_shape(method, params):
    as_lists: dict[str, list[str]] = {}
    for key, value in params:
        as_lists.setdefault(key, []).append(value)
    expected = hash_url(method, "/p?" + urlencode(params))
    assert compute_qsh(method, "/p", params) == expected
    assert compute_qsh(method, "/p", as_lists) == expected
    assert compute_qsh(method, "/p", MultiDict(params)) == expected
