"""Tiny typed readers for settings from the environment.

Each reader refuses a bad value with a message naming the variable, so a typo in a deployment
fails at start-up instead of at 3 a.m. A secret may also come from a file: `NAME_FILE=/run/secrets/x`.
"""

from __future__ import annotations

import os
from pathlib import Path


class ConfigError(Exception):
    """A setting has a value warroom cannot use."""


def string(name: str, default: str = "") -> str:
    value = os.environ.get(name)
    if value is None:
        path = os.environ.get(f"{name}_FILE")
        if path:
            try:
                return Path(path).read_text().strip()
            except OSError as exc:
                raise ConfigError(f"{name}_FILE={path} cannot be read: {exc.strerror}") from exc
        return default
    return value


def boolean(name: str, default: bool = False) -> bool:
    value = string(name).strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={value!r} is not a boolean; use 1/0, true/false, yes/no or on/off")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = string(name).strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name}={number} is too small; the minimum is {minimum}")
    return number


def url(name: str, default: str = "") -> str:
    value = string(name, default).strip().rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name}={value!r} must start with http:// or https://")
    return value


def strings(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in string(name, default).split(",") if part.strip()]
