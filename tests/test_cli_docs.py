"""Every ``interviews`` command and option is documented where users look: the README."""

from pathlib import Path

import pytest

from interviews import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_is_shown_in_the_readme(name):
    assert f"interviews {name}" in README


@pytest.mark.parametrize(
    "name,option",
    [(name, opt) for name, cmd in sorted(main.commands.items())
     for param in cmd.params for opt in param.opts if opt.startswith("--") and opt != "--help"],
)
def test_every_option_is_mentioned_in_the_readme(name, option):
    assert option in README, f"interviews {name} {option} is not documented in README.md"


def test_the_readme_says_how_to_reach_the_command_after_make_serve():
    """`make serve` installs into .venv/; a new user typing `interviews …` must be told how to reach it."""
    import sys

    top = README.split("## ", 1)[0]
    assert "source .venv/bin/activate" in top and ".venv/bin/interviews" in top
    assert (Path(sys.executable).parent / "interviews").exists(), "the command is installed beside python"
