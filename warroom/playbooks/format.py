"""The playbook file format: the guideline as data (see docs/playbooks.md).

`load()` reads a YAML playbook into frozen dataclasses and refuses anything it does not know,
with an error that names the file, the line and the path of the offending node. The engine
freezes `Playbook.to_dict()` on the incident at declare time and rebuilds it with
`Playbook.from_dict()`, which runs the same checks. The actions a step may name, and their
parameters, come from the action registry (`warroom/playbooks/actions/`); the checks of plain
values from `params.py`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from warroom.playbooks import params
from warroom.playbooks.actions import ACTIONS
from warroom.playbooks.params import (
    ABSENT,
    REQUIRED,
    SEVERITIES,
    Bad,
    Check,
    NodePath,
    PlaybookError,
    duration,
    format_duration,
)

__all__ = ["PlaybookError", "duration", "format_duration"]  # also part of the format's API

# What needs approval, by which role, unless the playbook says otherwise under `approvals`.
APPROVALS = {"updates": "none"}
ENTRY_KINDS = ("event", "finding", "hypothesis", "action", "status", "decision", "comms", "report")
TRIGGER_USAGE = (
    "use declare, status:<status>, resolve, every <duration> while open, "
    "after <duration> unless <step> done"
)
DONE_USAGE = "use action, manual, ack, status:<status>, role:<role>, entry:<kind>, decision:<topic>"

TriggerKind = Literal["declare", "status", "resolve", "every", "after"]


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


def _checked(where: _Where, path: NodePath, check: Check, value: Any) -> Any:
    try:
        return check(value)
    except Bad as error:
        raise where.error((*path, *error.within), error.message) from None
    except PlaybookError as error:
        raise where.error(path, error.message) from None


def _fields(
    where: _Where, path: NodePath, value: Any, required: tuple[str, ...], optional: tuple[str, ...]
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.error(path, f"expected a mapping, not {params.described(value)}")
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


def _action(where: _Where, path: NodePath, value: Any) -> Action | None:
    if value is None or value == "none":
        return None
    given: Any
    if isinstance(value, str):
        name, given, name_path = value, {}, path
    elif isinstance(value, dict) and len(value) == 1:
        [(name, given)] = value.items()
        name_path = (*path, name)
    else:
        raise where.error(path, "an action is a name, or one name mapped to its params")
    kind = ACTIONS.get(name)
    if kind is None:
        known = ", ".join(ACTIONS)
        raise where.error(
            name_path, f"unknown action {name!r} (use {known})", at_key=name_path != path
        )
    given = given or {}
    if not isinstance(given, dict):
        raise where.error(
            name_path, f"the params of {name} are a mapping, not {params.described(given)}"
        )
    spec = kind.params
    for key in given:
        if key not in spec:
            known = f"use {', '.join(spec)}" if spec else f"{name} takes none"
            raise where.error((*name_path, key), f"unknown param '{key}' ({known})", at_key=True)
    out: dict[str, Any] = {}
    for key, (check, default) in spec.items():
        if given.get(key) is not None:
            out[key] = _checked(where, (*name_path, key), check, given[key])
        elif default is REQUIRED:
            raise where.error(name_path, f"{name} needs '{key}'", at_key=True)
        elif default is not ABSENT:
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
    checks: dict[str, Check] = {"status": params.status, "interval": params.a_duration, "unless": params.slug}
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
        "status": params.status,
        "role": params.role,
        "entry": params.one_of(ENTRY_KINDS, "entry kind"),
        "decision": params.slug,
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

    step_id = _checked(where, (*path, "id"), params.slug, data["id"])
    title = _checked(where, (*path, "title"), params.text, data["title"])
    guideline = optional("guideline", params.text, None)
    owner = _checked(where, (*path, "owner"), params.role, data["owner"])
    trigger = _trigger(where, (*path, "trigger"), data["trigger"])
    action = _action(where, (*path, "action"), data.get("action"))
    done = _done(where, (*path, "done"), data.get("done"), action)
    severities = tuple(optional("severities", params.severities, SEVERITIES))
    description = optional("description", params.text, "")
    return Step(step_id, title, guideline, owner, trigger, action, done, severities, description)


def _playbook(data: Any, where: _Where) -> Playbook:
    root = _fields(where, (), data, ("name", "version", "steps"), ("description", "approvals"))
    name = _checked(where, ("name",), params.text, root["name"])
    version = root["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise where.error(("version",), f"expected a whole number from 1, not {params.described(version)}")
    description = root.get("description")
    if description:
        description = _checked(where, ("description",), params.text, description)
    if not isinstance(root["steps"], list) or not root["steps"]:
        raise where.error(("steps",), "expected a non-empty list of steps")
    steps = tuple(_step(where, ("steps", i), item) for i, item in enumerate(root["steps"]))
    _check_references(where, steps)
    approvals = dict(APPROVALS)
    if "approvals" in root:
        given = _fields(where, ("approvals",), root["approvals"], (), tuple(APPROVALS))
        for key, value in given.items():
            approvals[key] = _checked(where, ("approvals", key), params.approval, value)
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
