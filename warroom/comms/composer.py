"""The composer: a public message drafted for one channel and counted by that channel's own rules.

- X: 280 weighted characters, twitter-text config v3 (every URL 23, CJK and emoji 2, the rest 1).
- Mastodon: 500 characters counted as its server does: grapheme clusters, every http(s) URL 23,
  a remote mention @user@domain only as @user.
- Bluesky: 300 graphemes and 3000 UTF-8 bytes; links need facets (UTF-8 byte ranges).

Pure Python, no Django import. Rules and sources: docs/composer.md.
"""

from __future__ import annotations

import functools
import sys
import threading
import types
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

LIMITS = {"x": 280, "mastodon": 500, "bluesky": 300}
NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}
UNITS = {"x": "weighted characters", "mastodon": "characters", "bluesky": "graphemes"}

BLUESKY_MAX_BYTES = 3000  # app.bsky.feed.post: text maxLength (UTF-8 bytes) beside maxGraphemes
URL_LENGTH = 23  # what a URL counts on X (t.co) and on Mastodon
X_INVALID = "\ufffe\ufeff\uffff"  # twitter-text's invalid_chars_group

_GRAPHEME = regex.compile(r"\X")
_WORD = r"\p{L}\p{M}\p{Nd}\p{Pc}"  # Ruby's [[:word:]]
# Mastodon's Account::MENTION_RE (app/models/account.rb): USERNAME_RE, then @domain.
_MASTODON_MENTION = regex.compile(
    rf"(?<![=/{_WORD}])@([a-zA-Z0-9_]+(?:[.-]+[a-zA-Z0-9_]+)*(?:@[{_WORD}]+(?:[.-]+[{_WORD}]+)*)?)"
)
_MASTODON_MAX_DOMAIN = 253
# atproto packages/api/src/rich-text/detection.ts, the link regex (its /i spelled out in ASCII,
# as Unicode case folding would let "ſ" and the Kelvin sign in).
_BLUESKY_LINK = regex.compile(
    r"(?:^|\s|\()((?:[hH][tT][tT][pP][sS]?://\S+)"
    r"|(?P<domain>[a-zA-Z][a-zA-Z0-9]*(?:\.[a-zA-Z0-9]+)+)\S*)",
    regex.MULTILINE,
)


@dataclass(frozen=True)
class Composed:
    """A text as it would go out on `channel`, with its count by that channel's rules."""

    channel: str
    text: str
    length: int
    limit: int
    ok: bool
    facets: list[dict] = field(default_factory=list)  # Bluesky link facets; empty elsewhere


def compose(channel: str, text: str) -> Composed:
    """Draft `text` for `channel` ("x", "mastodon" or "bluesky"): strip the surrounding
    whitespace, normalise to NFC, and count it as the channel does.

    Raises ValueError for an unknown channel.
    """
    key = channel.strip().lower()
    if key not in LIMITS:
        known = ", ".join(sorted(LIMITS))
        raise ValueError(f"unknown channel {channel!r}: the composer knows {known}")
    text = unicodedata.normalize("NFC", text.strip())
    limit = LIMITS[key]
    if key == "x":
        parsed = x_parse(text)
        return Composed(key, text, parsed.weightedLength, limit, parsed.valid)
    if key == "mastodon":
        length = mastodon_length(text)
        return Composed(key, text, length, limit, 0 < length <= limit)
    length = grapheme_count(text)
    fits = 0 < length <= limit and len(text.encode()) <= BLUESKY_MAX_BYTES
    return Composed(key, text, length, limit, fits, bluesky_link_facets(text))


def too_long_message(c: Composed) -> str:
    """Why `c` cannot go out, as one line for a person; empty when it can."""
    name, problems = NAMES[c.channel], []
    if c.length > c.limit:
        problems.append(
            f"the text is {c.length} of {c.limit} {UNITS[c.channel]} on {name}: "
            f"shorten it by {c.length - c.limit}"
        )
    if not c.text:
        problems.append(f"the text is empty: write something to send on {name}")
    refused = sorted({f"U+{ord(ch):04X}" for ch in c.text if ch in X_INVALID})
    if c.channel == "x" and refused:
        problems.append(f"the text has characters X refuses ({', '.join(refused)}): remove them")
    size = len(c.text.encode())
    if c.channel == "bluesky" and size > BLUESKY_MAX_BYTES:
        problems.append(
            f"the text is {size} bytes of UTF-8, over Bluesky's {BLUESKY_MAX_BYTES}-byte limit: "
            f"shorten it by {size - BLUESKY_MAX_BYTES} bytes"
        )
    return "; ".join(problems)


def grapheme_count(text: str) -> int:
    """User-perceived characters (Unicode extended grapheme clusters, UAX #29)."""
    return len(_GRAPHEME.findall(text))


# X ------------------------------------------------------------------------------------------


def x_parse(text: str, *, version: int = 3) -> Any:
    """twitter-text's parse_tweet with config `version` (2 or 3): a result with weightedLength,
    valid, permillage and the valid/display ranges in UTF-16 code units."""
    tt = _twitter_text()
    return tt.parse_tweet(text, x_config(version))


def x_config(version: int) -> dict:
    """twitter-text's config v2 or v3, as parse_tweet takes it."""
    if version not in (2, 3):
        raise ValueError(f"unknown twitter-text config version {version}: use 2 or 3")
    configs = _twitter_text().config.config
    # The package's v2 dict lacks the emoji switch that parse_tweet reads; v2 has it off.
    return {"emoji_parsing_enabled": False, **configs[f"version{version}"]}


@functools.cache
def _twitter_text() -> types.SimpleNamespace:
    """Import twitter-text-parser, whose emoji table is read with pkg_resources at import time.

    pkg_resources is gone from setuptools 81 on (and from Python 3.12 venvs, which carry no
    setuptools), so unless it is already loaded a stand-in serving that one call is put in
    sys.modules for the import and taken out after it (under a lock: threads share sys.modules).
    """
    with _IMPORT_LOCK:
        return _import_twitter_text()


def _import_twitter_text() -> types.SimpleNamespace:
    previous = sys.modules.get("pkg_resources", _ABSENT)
    borrowed = not isinstance(previous, types.ModuleType)
    if borrowed:
        stand_in = types.ModuleType("pkg_resources")
        stand_in.resource_string = _resource_string  # type: ignore[attr-defined]
        sys.modules["pkg_resources"] = stand_in
    try:
        import twitter_text
        from twitter_text import config
        from twitter_text.regexp.latin_accent_chars import latin_accent_chars
        from twitter_text.regexp.valid_cctld import valid_cctld
        from twitter_text.regexp.valid_gtld import valid_gtld
    finally:
        if borrowed and previous is _ABSENT:
            sys.modules.pop("pkg_resources", None)
        elif borrowed:
            sys.modules["pkg_resources"] = previous  # type: ignore[assignment]
    return types.SimpleNamespace(
        parse_tweet=twitter_text.parse_tweet,
        extract_urls_with_indices=twitter_text.extract_urls_with_indices,
        config=config,
        # twitter-text's end_mention_match: no mention right before these
        end_mention=regex.compile(rf"[@＠]|[{latin_accent_chars.pattern}]|://"),
        tlds=(valid_gtld, valid_cctld),
    )


_ABSENT = object()
_IMPORT_LOCK = threading.Lock()


def _resource_string(module: str, name: str) -> bytes:
    return (Path(sys.modules[module].__file__ or "").parent / name).read_bytes()


# Mastodon -----------------------------------------------------------------------------------


def mastodon_length(text: str) -> int:
    """The length Mastodon's StatusLengthValidator counts: grapheme clusters of the text where
    each http(s) URL is 23 characters and each @user@domain is @user."""
    if not text.strip():
        return 0
    return grapheme_count(mastodon_countable_text(text))


def mastodon_countable_text(text: str) -> str:
    """The text with URLs and remote mentions rewritten as Mastodon counts them."""
    tt = _twitter_text()
    entities = [
        (u["indices"][0], u["indices"][1], "x" * URL_LENGTH)
        for u in tt.extract_urls_with_indices(text, False)
    ]
    for match in _MASTODON_MENTION.finditer(text):
        username, _, domain = match.group(1).partition("@")
        if tt.end_mention.match(text, match.end()) or len(domain) > _MASTODON_MAX_DOMAIN:
            continue
        entities.append((match.start(), match.end(), f"@{username}"))
    out, position = [], 0
    for start, end, replacement in sorted(entities):
        if start < position:  # twitter-text's remove_overlapping_entities: the earlier one wins
            continue
        out += [text[position:start], replacement]
        position = end
    return "".join(out) + text[position:]


# Bluesky ------------------------------------------------------------------------------------


def bluesky_link_facets(text: str) -> list[dict]:
    """app.bsky.richtext.facet#link facets for the links Bluesky's own client detects: http(s)
    URLs and bare domains with a known TLD; ranges are UTF-8 byte offsets, end exclusive."""
    facets = []
    for match in _BLUESKY_LINK.finditer(text):
        uri, start = match.group(1), match.start(1)
        domain = match.group("domain")
        if domain is not None:
            if not _is_known_domain(domain):
                continue
            uri = f"https://{uri}"
        trimmed = len(uri)
        if uri[-1] in ".,;:!?":
            uri = uri[:-1]
        if uri.endswith(")") and "(" not in uri:
            uri = uri[:-1]
        end = match.end(1) - (trimmed - len(uri))
        byte_start = len(text[:start].encode())
        facets.append(
            {
                "index": {
                    "byteStart": byte_start,
                    "byteEnd": byte_start + len(text[start:end].encode()),
                },
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}],
            }
        )
    return facets


def _is_known_domain(domain: str) -> bool:
    # atproto's isValidDomain: the last label is a TLD, compared as written (lower case).
    tld = domain.rsplit(".", 1)[-1]
    return any(pattern.fullmatch(tld) for pattern in _twitter_text().tlds)
