"""The playbook file format: the guideline as data (see docs/playbooks.md).

`load()` reads a YAML playbook into frozen dataclasses and refuses anything it does not know,
with an error that names the file, the line and the path of the offending node. The engine
freezes `Playbook.to_dict()` on the incident at declare time and rebuilds it with
`Playbook.from_dict()`, which runs the same checks. Pure Python, no Django.
"""

from __future__ import annotations

import copy
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

import yaml

# Mirrors incidents.models and timeline.models (a test keeps them in step).
STATUSES = ("investigating", "identified", "monitoring", "resolved", "postmortem")
OPEN_STATUSES = ("investigating", "identified", "monitoring")
SEVERITIES = ("S1", "S2", "S3", "S4")
ROLES = ("commander", "communications", "marketing", "support", "scribe", "responder")
# What needs approval, by which role, unless the playbook says otherwise under `approvals`.
APPROVALS = {"updates": "none"}
ENTRY_KINDS = ("event", "finding", "hypothesis", "action", "status", "decision", "comms", "report")
TRACKERS = ("gitlab", "github", "default")
# What an `announce` template may use; the engine fills every one of them.
TEMPLATE_FIELDS = ("title", "slug", "severity", "status", "public_url")
DEFAULT_TEMPLATE = "We are investigating {title}. Follow along: {public_url}"

TRIGGER_USAGE = (
    "use declare, status:<status>, resolve, every <duration> while open, "
    "after <duration> unless <step> done"
)
DONE_USAGE = "use action, manual, ack, status:<status>, role:<role>, entry:<kind>, decision:<topic>"
DURATION_USAGE = "use e.g. 90s, 15m, 15 min, 1h, 1h30m"
STEP_ID = re.compile(r"[a-z][a-z0-9_-]*")
STEP_ID_MAX = 60  # StepRun.step_id

TriggerKind = Literal["declare", "status", "resolve", "every", "after"]
NodePath = tuple[str | int, ...]


class PlaybookError(Exception):
    """A playbook that cannot be used; `str()` reads `source:line: path: message`."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        path: str | None = None,
        source: str | None = None,
    ) -> None:
        self.message, self.line, self.path, self.source = message, line, path, source
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = self.source or ""
        if self.line is not None:
            prefix = f"{prefix}:{self.line}" if prefix else f"line {self.line}"
        what = f"{self.path}: {self.message}" if self.path else self.message
        return f"{prefix}: {what}" if prefix else what


# ---- durations ------------------------------------------------------------------------------

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_UNIT_WORDS = r"days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s"
_DURATION_PART = re.compile(rf"\s*(\d+)\s*({_UNIT_WORDS})(?![a-z])\s*", re.IGNORECASE)


def duration(text: str) -> timedelta:
    """Parse "30m", "15 min", "1h", "90s", "1h30m", "2 hours"; PlaybookError otherwise."""
    if not isinstance(text, str):
        raise PlaybookError(f"bad duration {text!r}: give a unit ({DURATION_USAGE})")
    seconds, seen, pos = 0, set(), 0
    while pos < len(text):
        part = _DURATION_PART.match(text, pos)
        if part is None:
            break
        unit = part.group(2)[0].lower()
        if unit in seen:
            raise PlaybookError(f"bad duration {text!r}: '{unit}' given twice")
        seen.add(unit)
        seconds += int(part.group(1)) * _UNITS[unit]
        pos = part.end()
    if not seen or pos < len(text):
        raise PlaybookError(f"bad duration {text!r} ({DURATION_USAGE})")
    if seconds == 0:
        raise PlaybookError(f"bad duration {text!r}: must be longer than zero")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The canonical text of a duration, which `duration()` reads back: 5400s → "1h30m"."""
    left, parts = int(value.total_seconds()), []
    for unit, size in _UNITS.items():
        if left >= size:
            parts.append(f"{left // size}{unit}")
            left %= size
    return "".join(parts) or "0s"


# ---- the model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    kind: TriggerKind
    status: str | None = None  # for "status"
    interval: timedelta | None = None  # for "every" and "after"
    unless: str | None = None  # for "after": the step id that, when done, cancels it

    def __str__(self) -> str:
        if self.kind == "status":
            return f"status:{self.status}"
        if self.kind == "every":
            return f"every {format_duration(self.interval or timedelta())} while open"
        if self.kind == "after":
            text = f"after {format_duration(self.interval or timedelta())}"
            return f"{text} unless {self.unless} done" if self.unless else text
        return self.kind


@dataclass(frozen=True)
class Action:
    name: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {self.name: _jsonable(self.params)}


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    guideline: str | None
    owner: str
    trigger: Trigger
    action: Action | None
    done: str
    severities: tuple[str, ...] = SEVERITIES
    description: str = ""

    @property
    def done_condition(self) -> tuple[str, str | None]:
        """`done` split in two: ("status", "resolved"), ("manual", None)."""
        kind, _, arg = self.done.partition(":")
        return kind, arg or None

    def applies_to(self, severity: str) -> bool:
        return severity in self.severities

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "guideline": self.guideline,
            "owner": self.owner,
            "trigger": str(self.trigger),
            "action": self.action.to_dict() if self.action else None,
            "done": self.done,
            "severities": list(self.severities),
            "description": self.description,
        }


@dataclass(frozen=True)
class Playbook:
    name: str
    version: int
    steps: tuple[Step, ...]
    description: str = ""
    # Which role approves what before it goes out: "updates" (a status update's messages to
    # every subscriber), "none" for no approval.
    approvals: dict[str, str] = field(default_factory=lambda: dict(APPROVALS))

    def step(self, id: str) -> Step:
        for step in self.steps:
            if step.id == id:
                return step
        raise KeyError(f"no step {id!r} in playbook {self.name!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable, and also a valid playbook file when dumped as YAML."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "approvals": dict(self.approvals),
            "steps": [step.to_dict() for step in self.steps],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "stored playbook") -> Playbook:
        return _playbook(data, _Where(source))


def _jsonable(value: Any) -> Any:
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


# ---- loading --------------------------------------------------------------------------------


def load(text: str, source: str = "playbook.yaml") -> Playbook:
    """Parse and validate a playbook; raises PlaybookError on the first problem found."""
    where = _Where(source)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise PlaybookError(
            f"YAML syntax error: {_yaml_problem(error)}", line=_yaml_line(error), source=source
        ) from None
    except yaml.YAMLError as error:
        raise PlaybookError(f"YAML syntax error: {error}", source=source) from None
    if root is None:
        raise PlaybookError("the file is empty", source=source)
    return _playbook(_Builder(where).value(root, ()), where)


def _yaml_line(error: yaml.MarkedYAMLError) -> int | None:
    mark = error.problem_mark or error.context_mark
    return mark.line + 1 if mark else None


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    text = ", ".join(part for part in (error.context, error.problem) if part)
    start, end = error.context_mark, error.problem_mark
    if start and end and start.line != end.line:
        text += f" (it started on line {start.line + 1})"
    return text


def load_file(path: str | Path) -> Playbook:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlaybookError(f"cannot read the file: {error}", source=str(path)) from None
    return load(text, source=str(path))


def default_playbook() -> Playbook:
    """The playbook that ships with warroom and encodes every step of the guideline."""
    text = resources.files("warroom.playbooks").joinpath("default.yaml").read_text(encoding="utf-8")
    return load(text, source="default.yaml")


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so `options: [yes, no]` stays text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class _Where:
    """Where each node came from, so that an error can name its line."""

    source: str | None
    lines: dict[NodePath, int] = field(default_factory=dict)
    key_lines: dict[NodePath, int] = field(default_factory=dict)

    def error(self, path: NodePath, message: str, *, at_key: bool = False) -> PlaybookError:
        line = self.key_lines.get(path) if at_key else None
        probe = path
        while line is None:
            line = self.lines.get(probe)
            if not probe:
                break
            probe = probe[:-1]
        return PlaybookError(message, line=line, path=_dotted(path) or None, source=self.source)


def _dotted(path: NodePath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


class _Builder:
    """Turns composed YAML nodes into plain data, noting the line of every node and key."""

    def __init__(self, where: _Where) -> None:
        self.where = where
        self.constructor = yaml.constructor.SafeConstructor()
        self.open_nodes: set[int] = set()

    def value(self, node: yaml.Node, path: NodePath) -> Any:
        self.where.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            try:
                return self.constructor.construct_object(node)
            except yaml.MarkedYAMLError as error:
                raise self.where.error(path, f"cannot read this value: {error.problem}") from None
        if node.tag not in (
            yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
            yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
        ):
            raise self.where.error(path, f"cannot read this value: unsupported tag {node.tag!r}")
        if id(node) in self.open_nodes:
            raise self.where.error(path, "an alias refers to itself")
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.open_nodes.discard(id(node))

    def mapping(self, node: yaml.Node, path: NodePath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.where.lines[path] = key_node.start_mark.line + 1
                raise self.where.error(path, "a key must be a plain word")
            key = key_node.value
            self.where.key_lines[(*path, key)] = key_node.start_mark.line + 1
            if key in out:
                raise self.where.error((*path, key), f"key '{key}' given twice", at_key=True)
            out[key] = self.value(value_node, (*path, key))
        return out


# ---- validation -----------------------------------------------------------------------------


class _Bad(Exception):
    """A value check failed; the caller knows where, `within` says where inside the value."""

    def __init__(self, message: str, within: NodePath = ()) -> None:
        super().__init__(message)
        self.message, self.within = message, within


Check = Callable[[Any], Any]


def _checked(where: _Where, path: NodePath, check: Check, value: Any) -> Any:
    try:
        return check(value)
    except _Bad as error:
        raise where.error((*path, *error.within), error.message) from None
    except PlaybookError as error:
        raise where.error(path, error.message) from None


def _fields(
    where: _Where, path: NodePath, value: Any, required: tuple[str, ...], optional: tuple[str, ...]
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.error(path, f"expected a mapping, not {_a(value)}")
    known = required + optional
    for key in value:
        if key not in known:
            raise where.error(
                (*path, key), f"unknown key '{key}' (expected {', '.join(known)})", at_key=True
            )
    for key in required:
        if key not in value:
            raise where.error(path, f"missing '{key}'", at_key=True)
        if value[key] is None:
            raise where.error((*path, key), f"'{key}' is empty", at_key=True)
    return value


def _a(value: Any) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "nothing",
    }
    return names.get(type(value), f"the {type(value).__name__} {value!r}")


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"expected text, not {_a(value)}")
    return value.strip()


def _slug(value: Any) -> str:
    if not isinstance(value, str) or not STEP_ID.fullmatch(value) or len(value) > STEP_ID_MAX:
        raise _Bad(f"{value!r} is not a short lower-case name like 'blog_post'")
    return value


def _one_of(choices: tuple[str, ...], what: str) -> Check:
    def check(value: Any) -> str:
        if value not in choices:
            raise _Bad(f"unknown {what} {value!r} (use {', '.join(choices)})")
        return value

    return check


_role = _one_of(ROLES, "role")
_status = _one_of(STATUSES, "status")


def _list_of(item: Check, *, allow_empty: bool = True) -> Check:
    def check(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise _Bad(f"expected a list, not {_a(value)}")
        if not value and not allow_empty:
            raise _Bad("the list is empty")
        items = []
        for i, one in enumerate(value):
            try:
                items.append(item(one))
            except _Bad as error:
                raise _Bad(error.message, (i, *error.within)) from None
            if items.count(items[-1]) > 1:
                raise _Bad(f"{one!r} given twice", (i,))
        return items

    return check


def _severities(value: Any) -> list[str]:
    given = _list_of(_one_of(SEVERITIES, "severity"), allow_empty=False)(value)
    return [severity for severity in SEVERITIES if severity in given]


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise _Bad(f"bad duration {value!r}: give a unit ({DURATION_USAGE})")
    try:
        return duration(value)
    except PlaybookError as error:
        raise _Bad(error.message) from None


def _duration_or_same(value: Any) -> timedelta | str:
    return "same" if value == "same" else _duration(value)


_approval = _one_of((*ROLES, "none"), "approval role")


def _template(value: Any) -> str:
    text = _text(value)
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        raise _Bad(f"bad template: {error} (write {{{{ and }}}} for literal braces)") from None
    for name in fields:
        if name not in TEMPLATE_FIELDS:
            known = ", ".join("{" + known + "}" for known in TEMPLATE_FIELDS)
            raise _Bad(f"unknown template field {{{name}}} (use {known})")
    return text


# Reminder cadence (G8), minutes for S1 / S2 / S3–S4.
_CADENCE_MINUTES = {
    "investigating": (10, 15, 15),
    "identified": (10, 30, 30),
    "monitoring": (30, 60, 60),
}
DEFAULT_CADENCE = {
    status: dict(zip(SEVERITIES, [timedelta(minutes=m) for m in (s1, s2, s34, s34)], strict=True))
    for status, (s1, s2, s34) in _CADENCE_MINUTES.items()
}
_SEVERITY_GROUP = re.compile(r"(S[1-4])(?:\s*-\s*(S[1-4]))?")


def _cadence(value: Any) -> dict[str, dict[str, timedelta]]:
    """Merge the given cadence over the default one and spell out every severity."""
    if not isinstance(value, dict):
        raise _Bad(f"expected a mapping of status to severities, not {_a(value)}")
    merged = copy.deepcopy(DEFAULT_CADENCE)
    for status, groups in value.items():
        if status not in OPEN_STATUSES:
            raise _Bad(f"unknown status {status!r} (use {', '.join(OPEN_STATUSES)})", (status,))
        if not isinstance(groups, dict):
            raise _Bad("expected a mapping like {S1: 10m, S2: 15m, S3-S4: 15m}", (status,))
        seen: set[str] = set()
        for group, every in groups.items():
            try:
                severities = _severity_group(str(group))
                interval = _duration(every)
            except _Bad as error:
                raise _Bad(error.message, (status, group)) from None
            for severity in severities:
                if severity in seen:
                    raise _Bad(f"{severity} given twice", (status, group))
                seen.add(severity)
                merged[status][severity] = interval
    return merged


def _severity_group(text: str) -> list[str]:
    match = _SEVERITY_GROUP.fullmatch(text.strip())
    first, last = (match.group(1), match.group(2) or match.group(1)) if match else ("", "")
    if not match or first > last:
        raise _Bad(f"unknown severity group {text!r} (use e.g. S1, S2, S3-S4)")
    return [s for s in SEVERITIES if first <= s <= last]


_REQUIRED = object()
_ABSENT = object()  # optional, and left out of params when not given

ACTIONS: dict[str, dict[str, tuple[Check, Any]]] = {
    "open_war_room": {},
    "open_public_page": {},
    "announce": {
        "channels": (_list_of(_slug, allow_empty=False), ["x", "mastodon", "bluesky"]),
        "approval": (_approval, "communications"),
        "template": (_template, DEFAULT_TEMPLATE),
    },
    "page_marketing": {
        "escalation": (_list_of(_text, allow_empty=False), _ABSENT),
        "ack_timeout": (_duration, timedelta(minutes=15)),
    },
    "remind_update": {
        "cadence": (_cadence, DEFAULT_CADENCE),
        "escalate_after": (_duration_or_same, "same"),
    },
    "require_role": {"role": (_role, "communications"), "severities": (_severities, ["S1", "S2"])},
    "live_stream": {"severities": (_severities, ["S1", "S2"])},
    "request_decision": {
        "topic": (_slug, _REQUIRED),
        "question": (_text, _REQUIRED),
        "options": (_list_of(_text, allow_empty=False), ["yes", "no"]),
    },
    "export_issue": {
        "tracker": (_one_of(TRACKERS, "tracker"), "default"),
        "labels": (_list_of(_text), ["outage"]),
    },
    "support_briefing": {},
    "postmortem": {},
    "handover": {},
    "assess_impact": {},
}


def _action(where: _Where, path: NodePath, value: Any) -> Action | None:
    if value is None or value == "none":
        return None
    params: Any
    if isinstance(value, str):
        name, params, name_path = value, {}, path
    elif isinstance(value, dict) and len(value) == 1:
        [(name, params)] = value.items()
        name_path = (*path, name)
    else:
        raise where.error(path, "an action is a name, or one name mapped to its params")
    spec = ACTIONS.get(name)
    if spec is None:
        known = ", ".join(ACTIONS)
        raise where.error(
            name_path, f"unknown action {name!r} (use {known})", at_key=name_path != path
        )
    params = params or {}
    if not isinstance(params, dict):
        raise where.error(name_path, f"the params of {name} are a mapping, not {_a(params)}")
    for key in params:
        if key not in spec:
            known = f"use {', '.join(spec)}" if spec else f"{name} takes none"
            raise where.error((*name_path, key), f"unknown param '{key}' ({known})", at_key=True)
    out: dict[str, Any] = {}
    for key, (check, default) in spec.items():
        if params.get(key) is not None:
            out[key] = _checked(where, (*name_path, key), check, params[key])
        elif default is _REQUIRED:
            raise where.error(name_path, f"{name} needs '{key}'", at_key=True)
        elif default is not _ABSENT:
            out[key] = copy.deepcopy(default)
    return Action(name, out)


_TRIGGER_TEXT = [
    re.compile(r"(?P<kind>declare|resolve)"),
    re.compile(r"(?P<kind>status)\s*:\s*(?P<status>\S+)"),
    re.compile(r"(?P<kind>every)\s*:?\s*(?P<interval>.+?)(?:\s+while\s+open)?"),
    re.compile(r"(?P<kind>after)\s*:?\s*(?P<interval>.+?)(?:\s+unless\s+(?P<unless>\S+)\s+done)?"),
]


def _trigger(where: _Where, path: NodePath, value: Any) -> Trigger:
    if isinstance(value, dict):
        kind, parts = _trigger_mapping(where, path, value)
    else:
        text = " ".join(value.split()) if isinstance(value, str) else ""
        match = next((m for rx in _TRIGGER_TEXT if (m := rx.fullmatch(text))), None)
        if match is None:
            raise where.error(path, f"unknown trigger {value!r} ({TRIGGER_USAGE})")
        kind = cast(TriggerKind, match["kind"])
        if re.search(r"\b(unless|while|done)\b", match.groupdict().get("interval") or ""):
            raise where.error(path, f"unknown trigger {value!r} ({TRIGGER_USAGE})")
        parts = {
            k: (path, v) for k, v in match.groupdict().items() if k != "kind" and v is not None
        }
    checks: dict[str, Check] = {"status": _status, "interval": _duration, "unless": _slug}
    found = {key: _checked(where, at, checks[key], part) for key, (at, part) in parts.items()}
    return Trigger(kind, **found)


def _trigger_mapping(
    where: _Where, path: NodePath, value: dict[str, Any]
) -> tuple[TriggerKind, dict[str, tuple[NodePath, Any]]]:
    """{every: 30m}, {every: 30m, while: open}, {after: 15m, unless: announce}, {status: identified}."""
    if "status" in value:
        _fields(where, path, value, ("status",), ())
        return "status", {"status": ((*path, "status"), value["status"])}
    if "every" in value:
        _fields(where, path, value, ("every",), ("while",))
        if value.get("while", "open") != "open":
            raise where.error((*path, "while"), "'every' only runs while the incident is open")
        every = value["every"]
        if isinstance(every, str):
            every = re.sub(r"\s+while\s+open$", "", every.strip())
        return "every", {"interval": ((*path, "every"), every)}
    if "after" in value:
        _fields(where, path, value, ("after",), ("unless",))
        parts = {"interval": ((*path, "after"), value["after"])}
        if value.get("unless") is not None:
            parts["unless"] = ((*path, "unless"), value["unless"])
        return "after", parts
    raise where.error(path, f"unknown trigger {value!r} ({TRIGGER_USAGE})")


def _done(where: _Where, path: NodePath, value: Any, action: Action | None) -> str:
    if value is None:
        return "action" if action else "manual"
    text = re.sub(r"\s*:\s*", ":", value.strip()) if isinstance(value, str) else ""
    kind, colon, arg = text.partition(":")
    checks: dict[str, Check] = {
        "status": _status,
        "role": _role,
        "entry": _one_of(ENTRY_KINDS, "entry kind"),
        "decision": _slug,
    }
    if not colon and kind in ("action", "manual", "ack"):
        if kind == "action" and action is None:
            raise where.error(path, "'done: action' needs an action on the step")
        return kind
    if colon and kind in checks:
        _checked(where, path, checks[kind], arg)
        return text
    raise where.error(path, f"unknown done condition {value!r} ({DONE_USAGE})")


_STEP_REQUIRED = ("id", "title", "owner", "trigger")
_STEP_OPTIONAL = ("guideline", "action", "done", "severities", "description")


def _step(where: _Where, path: NodePath, value: Any) -> Step:
    data = _fields(where, path, value, _STEP_REQUIRED, _STEP_OPTIONAL)

    def optional(key: str, check: Check, absent: Any) -> Any:
        given = data.get(key)
        return (
            absent if given is None or given == "" else _checked(where, (*path, key), check, given)
        )

    step_id = _checked(where, (*path, "id"), _slug, data["id"])
    title = _checked(where, (*path, "title"), _text, data["title"])
    guideline = optional("guideline", _text, None)
    owner = _checked(where, (*path, "owner"), _role, data["owner"])
    trigger = _trigger(where, (*path, "trigger"), data["trigger"])
    action = _action(where, (*path, "action"), data.get("action"))
    done = _done(where, (*path, "done"), data.get("done"), action)
    severities = tuple(optional("severities", _severities, SEVERITIES))
    description = optional("description", _text, "")
    return Step(step_id, title, guideline, owner, trigger, action, done, severities, description)


def _playbook(data: Any, where: _Where) -> Playbook:
    root = _fields(where, (), data, ("name", "version", "steps"), ("description", "approvals"))
    name = _checked(where, ("name",), _text, root["name"])
    version = root["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise where.error(("version",), f"expected a whole number from 1, not {_a(version)}")
    description = root.get("description")
    if description:
        description = _checked(where, ("description",), _text, description)
    if not isinstance(root["steps"], list) or not root["steps"]:
        raise where.error(("steps",), "expected a non-empty list of steps")
    steps = tuple(_step(where, ("steps", i), item) for i, item in enumerate(root["steps"]))
    _check_references(where, steps)
    approvals = dict(APPROVALS)
    if "approvals" in root:
        given = _fields(where, ("approvals",), root["approvals"], (), tuple(APPROVALS))
        for key, value in given.items():
            approvals[key] = _checked(where, ("approvals", key), _approval, value)
    return Playbook(
        name=name,
        version=version,
        steps=steps,
        description=description or "",
        approvals=approvals,
    )


def _check_references(where: _Where, steps: tuple[Step, ...]) -> None:
    by_id: dict[str, Step] = {}
    for i, step in enumerate(steps):
        if step.id in by_id:
            raise where.error(("steps", i, "id"), f"step id {step.id!r} is used twice")
        by_id[step.id] = step
    for i, step in enumerate(steps):
        unless = step.trigger.unless
        if unless is None:
            continue
        path: NodePath = ("steps", i, "trigger", "unless")
        other = by_id.get(unless)
        if other is None:
            raise where.error(path, f"'unless' names no step: {unless!r}")
        if other is step:
            raise where.error(path, "a step cannot wait on itself")
        missing = [s for s in step.severities if s not in other.severities]
        if missing:
            raise where.error(path, f"step {unless!r} never runs for {', '.join(missing)}")
