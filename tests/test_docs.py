"""The README stays true: every command and every configuration key is documented."""

from __future__ import annotations

import argparse
import re

from desk.cli import build_parser
from desk.config import describe_keys
from tests.conftest import TESTS_DIR

README = (TESTS_DIR.parent / "README.md").read_text(encoding="utf-8")


def _subcommands() -> list[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_every_command_is_in_the_readme() -> None:
    missing = [name for name in _subcommands() if f"`triage {name}" not in README]
    assert missing == []


def test_every_configuration_key_is_in_the_readme_example() -> None:
    toml = README.split("```toml", 1)[1].split("```", 1)[0]
    sections: dict[str, set[str]] = {}
    current = ""
    for line in toml.splitlines():
        header = re.match(r"\[(\w+)\]", line)
        if header:
            current = header.group(1)
            sections[current] = set()
        elif "=" in line and current:
            sections[current].add(line.split("=", 1)[0].strip())
    missing = []
    for key, env_name, default in describe_keys():
        section, name = key.split(".")
        if "secret" in default:
            assert env_name in README, env_name
        elif name not in sections.get(section, set()):
            missing.append(key)
    assert missing == []


def test_the_two_setup_commands_are_the_ones_ci_runs() -> None:
    ci = (TESTS_DIR.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in README and "scripts/test.sh" in ci
    assert "bash scripts/demo.sh" in README
