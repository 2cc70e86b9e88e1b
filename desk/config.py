"""Configuration: one TOML file, every key overridable from the environment.

Each package owns the dataclass of its section; this module is the one place
that reads the file and the environment, checks every value, and hands typed
objects down. ``TRIAGE_<SECTION>_<KEY>`` overrides ``[section] key``; secrets
(fields marked ``secret``) are read only from the environment.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from faq_index import CrawlSettings, IndexSettings
from mailer import ImapSettings, SmtpSettings
from triage import ClassifierSettings, DecisionSettings, DeskSettings, StoreSettings
from triage.settings import LifecycleSettings, LimitSettings, PolicySettings, SlaSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
ENV_PREFIX = "TRIAGE_"
CONFIG_ENV = "TRIAGE_CONFIG"


class ConfigError(Exception):
    """The configuration is invalid; the message names the key and the expected form."""


@dataclass(frozen=True)
class DemoSettings:
    mailbox_dir: Path = DATA_DIR / "sample_mail"
    snapshot_dir: Path = DATA_DIR / "docs_snapshot"
    work_dir: Path = Path("var/demo")
    traffic_days: int = field(default=30, metadata={"min": 0})  # 0: no month of traffic


@dataclass(frozen=True)
class PollSettings:
    interval: float = field(default=60.0, metadata={"min": 1.0})
    send_after_poll: bool = True
    # One poller per mailbox: a poll holds a lease in the store, renewed while it runs.
    lease_seconds: float = field(default=300.0, metadata={"min": 5.0})
    # A burst is parsed and looked up by worker processes (0: one per core; 1: none),
    # once a fetched batch holds at least `parallel_from` mails.
    workers: int = field(default=0, metadata={"min": 0, "max": 64})
    parallel_from: int = field(default=40, metadata={"min": 1})


@dataclass(frozen=True)
class WebSettings:
    """`triage serve`: the agents' web UI and the customers' feedback links."""

    host: str = "127.0.0.1"
    port: int = field(default=8080, metadata={"min": 1, "max": 65535})
    public_url: str = field(
        default="http://127.0.0.1:8080/", metadata={"pattern": r"https?://\S+/"}
    )
    session_hours: float = field(default=12.0, metadata={"min": 0.1})
    feedback_link_days: float = field(default=30.0, metadata={"min": 0.1})
    send_after_action: bool = True
    secret_key: str = field(default="", metadata={"secret": True})


@dataclass(frozen=True)
class Config:
    imap: ImapSettings = field(default_factory=ImapSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    poll: PollSettings = field(default_factory=PollSettings)
    desk: DeskSettings = field(default_factory=DeskSettings)
    decision: DecisionSettings = field(default_factory=DecisionSettings)
    classifier: ClassifierSettings = field(default_factory=ClassifierSettings)
    policy: PolicySettings = field(default_factory=PolicySettings)
    sla: SlaSettings = field(default_factory=SlaSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    lifecycle: LifecycleSettings = field(default_factory=LifecycleSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    demo: DemoSettings = field(default_factory=DemoSettings)
    web: WebSettings = field(default_factory=WebSettings)
    source: str = "defaults"


SECTIONS: dict[str, type[Any]] = {
    f.name: get_type_hints(Config)[f.name] for f in dataclasses.fields(Config) if f.name != "source"
}


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read the TOML file (``path``, else ``$TRIAGE_CONFIG``, else none) and the environment."""
    env = os.environ if environ is None else environ
    if path is None and env.get(CONFIG_ENV):
        path = Path(env[CONFIG_ENV])
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"configuration file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path} is not UTF-8 text: {exc}") from exc
        except OSError as exc:
            raise ConfigError(f"cannot read configuration file {path}: {exc}") from exc
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"unknown section [{unknown[0]}]; expected one of: {', '.join(SECTIONS)}")
    sections = {
        name: _section(name, cls, data.get(name, {}), env) for name, cls in SECTIONS.items()
    }
    return Config(**sections, source=str(path) if path else "defaults")


def _section(name: str, cls: type[Any], values: Any, env: Mapping[str, str]) -> Any:
    if not isinstance(values, dict):
        raise ConfigError(f"[{name}] must be a table of keys")
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(f"unknown key {name}.{unknown[0]}; [{name}] accepts: {', '.join(fields)}")
    kwargs: dict[str, Any] = {}
    for key, spec in fields.items():
        env_name = f"{ENV_PREFIX}{name}_{key}".upper()
        secret = bool(spec.metadata.get("secret"))
        if secret and key in values:
            raise ConfigError(
                f"{name}.{key} is a secret and must not be in the configuration file; "
                f"set the environment variable {env_name} instead"
            )
        if env_name in env:
            raw: Any = env[env_name]
            origin = f"environment variable {env_name}"
        elif key in values:
            raw = values[key]
            origin = f"{name}.{key}"
        else:
            continue
        kwargs[key] = _coerce(raw, hints[key], spec, origin)
    return cls(**kwargs)


def _coerce(raw: Any, kind: Any, spec: dataclasses.Field[Any], origin: str) -> Any:
    meta = spec.metadata
    try:
        value = _convert(raw, kind)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{origin}: expected {_describe(kind)}, got {raw!r}") from exc
    if "choices" in meta and value not in meta["choices"]:
        raise ConfigError(f"{origin}: expected one of {', '.join(meta['choices'])}, got {raw!r}")
    if "min" in meta and value < meta["min"]:
        raise ConfigError(f"{origin}: expected a number >= {meta['min']}, got {raw!r}")
    if "max" in meta and value > meta["max"]:
        raise ConfigError(f"{origin}: expected a number <= {meta['max']}, got {raw!r}")
    if "pattern" in meta and not re.fullmatch(meta["pattern"], str(value)):
        raise ConfigError(f"{origin}: expected text matching {meta['pattern']}, got {raw!r}")
    return value


def _convert(raw: Any, kind: Any) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError(raw)
    if kind is int:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError(raw)
        return int(raw)
    if kind is float:
        if isinstance(raw, bool):
            raise ValueError(raw)
        return float(raw)
    if kind is Path:
        if not isinstance(raw, str) or not raw:
            raise TypeError(raw)
        return Path(raw).expanduser()
    if kind is str:
        if not isinstance(raw, str):
            raise TypeError(raw)
        return raw
    if kind == tuple[str, ...]:
        items = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise TypeError(raw)
        return tuple(item.strip() for item in items if item.strip())
    raise TypeError(f"unsupported setting type {kind}")


def _describe(kind: Any) -> str:
    return {
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        Path: "a file or folder path",
        str: "text",
    }.get(kind, "a list of texts (TOML array, or comma-separated in the environment)")


def describe_keys() -> list[tuple[str, str, str]]:
    """(key, environment variable, default) for every setting: used by the docs test."""
    rows = []
    for name, cls in SECTIONS.items():
        for spec in dataclasses.fields(cls):
            default = "(secret, environment only)" if spec.metadata.get("secret") else spec.default
            rows.append(
                (f"{name}.{spec.name}", f"{ENV_PREFIX}{name}_{spec.name}".upper(), str(default))
            )
    return rows
