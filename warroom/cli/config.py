"""Where the CLI finds its server and token: WARROOM_URL / WARROOM_TOKEN, else the file that
`warroom login` writes in the user's config dir (readable by the user only)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DEFAULT_URL = "http://127.0.0.1:8000"


def config_path() -> Path:
    override = os.environ.get("WARROOM_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("warroom")) / "config.json"


@dataclass(frozen=True)
class ClientConfig:
    url: str
    token: str


def _stored() -> dict:
    try:
        return json.loads(config_path().read_text())
    except (OSError, ValueError):
        return {}


def load() -> ClientConfig:
    stored = _stored()
    url = os.environ.get("WARROOM_URL") or stored.get("url") or DEFAULT_URL
    token = os.environ.get("WARROOM_TOKEN") or stored.get("token") or ""
    return ClientConfig(url=url.rstrip("/"), token=token)


def save(url: str, token: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"url": url.rstrip("/"), "token": token}, f)
    return path
