import subprocess
import sys

import pytest

from quickstart import greeting
from quickstart.cli import main


def test_greets_by_name() -> None:
    assert greeting("Ada") == "Hello, Ada!"


def test_greets_the_world_without_a_name() -> None:
    assert greeting("  ") == "Hello, world!"


def test_cli_prints_the_greeting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["Ada"]) == 0
    assert capsys.readouterr().out == "Hello, Ada!\n"


def test_cli_runs_as_a_module_in_a_subprocess() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import sys; from quickstart.cli import main; sys.exit(main())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == "Hello, world!\n"
