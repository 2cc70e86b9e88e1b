from __future__ import annotations

from pathlib import Path

import pytest

from desk.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "desk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_the_demo_defaults() -> None:
    config = load_config(environ={})
    assert config.source == "defaults"
    assert config.demo.mailbox_dir.is_dir()
    assert config.desk.ticket_prefix == "WA"


def test_file_values_are_typed_and_environment_overrides_them(tmp_path: Path) -> None:
    path = write(tmp_path, '[imap]\nhost = "imap.example.test"\nport = 1993\n')
    config = load_config(path, environ={"TRIAGE_IMAP_PORT": "2993", "TRIAGE_IMAP_PASSWORD": "pw"})
    assert config.imap.host == "imap.example.test"
    assert config.imap.port == 2993
    assert config.imap.password == "pw"


def test_config_file_named_by_environment_variable(tmp_path: Path) -> None:
    path = write(tmp_path, "[decision]\nmin_answer_probability = 0.5\n")
    config = load_config(environ={"TRIAGE_CONFIG": str(path)})
    assert config.decision.min_answer_probability == 0.5


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        ('[imap]\npassword = "x"\n', {}, "TRIAGE_IMAP_PASSWORD"),
        ("[imap]\nport = 70000\n", {}, "imap.port: expected a number <= 65535"),
        ('[imap]\nport = "abc"\n', {}, "imap.port: expected a whole number"),
        ('[imap]\nsecurity = "ssl"\n', {}, "expected one of tls, starttls, plain"),
        ('[imap]\nhots = "x"\n', {}, "unknown key imap.hots"),
        ('[mail]\nhost = "x"\n', {}, "unknown section [mail]"),
        ("[imap\n", {}, "is not valid TOML"),
        ("", {"TRIAGE_SMTP_PORT": "25x"}, "TRIAGE_SMTP_PORT: expected a whole number"),
        ("", {"TRIAGE_POLL_SEND_AFTER_POLL": "maybe"}, "expected true or false"),
        ('[desk]\nticket_prefix = "wa"\n', {}, "desk.ticket_prefix: expected text matching"),
    ],
)
def test_bad_configuration_names_the_key_and_the_expected_form(
    tmp_path: Path, text: str, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=None) as caught:
        load_config(write(tmp_path, text), environ=environ)
    assert message in str(caught.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "absent.toml", environ={})
