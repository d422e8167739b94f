"""The fenced code blocks of noxkit's documentation, for the tests that keep them true.

Languages say what a block is: ``python`` and ``toml`` blocks are examples that the tests
execute or validate; ``console``, ``text``, ``markdown`` and ``yaml`` blocks are transcripts or
file contents shown to the reader, checked where a check is possible (commands must name real
sessions and subcommands).

Shell commands are what a reader types: the ``$ `` lines of a ``console`` block (a ``console``
block without any prompt is a list of commands to paste, every line one), and every line of a
``sh``, ``bash`` or ``shell`` block. Output alone belongs in a ``text`` block. Each command is
run as written by some test (``Project.run_documented``) or excluded with a reason
(``tests/unit/test_docs_commands.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
EXECUTED = {"python", "toml"}
SHELL = {"console", "sh", "bash", "shell"}
SHOWN = {"text", "markdown", "yaml"} | SHELL

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
_COMMENT = re.compile(r"\s+#(?:\s.*)?$")  # a trailing `  # why`, not a `#` inside a word or URL


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    text: str

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(language: str | None = None) -> list[Block]:
    """Every fenced block of every page (of one language)."""
    out = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            lang = match.group(1).strip().split(" ")[0]
            line = text.count("\n", 0, match.start()) + 1
            if language is None or lang == language:
                out.append(Block(page, line, lang, match.group(2)))
    return out


def noxfile_examples() -> list[tuple[str, str]]:
    """Python blocks that are (parts of) noxfiles, each made a whole noxfile: ``(id, text)``.

    A block with several ``noxkit.register(...)`` lines lists alternatives: each becomes its
    own noxfile. A block that only defines sessions gets a plain ``noxkit.register()``.
    """
    out = []
    for block in blocks("python"):
        text = block.text
        if "noxkit.register(" not in text and "@nox.session" not in text:
            continue
        registers = [line for line in text.splitlines() if line.startswith("noxkit.register(")]
        variants = [text]
        if len(registers) > 1:
            variants = registers
        elif not registers:
            variants = ["noxkit.register()\n\n" + text]
        for index, variant in enumerate(variants):
            header = "" if "import noxkit" in variant else "import nox\nimport noxkit\n\n"
            suffix = f"#{index}" if len(variants) > 1 else ""
            out.append((block.id + suffix, header + variant))
    return out


@dataclass(frozen=True)
class Command:
    """One shell command a page shows, as the reader types it (prompt and comment removed)."""

    block: Block
    line: int
    text: str

    @property
    def id(self) -> str:
        return f"{self.block.page.relative_to(ROOT)}:{self.line}"


def commands() -> list[Command]:
    """Every shell command of every page, in page order (a command shown twice is listed twice)."""
    out = []
    for block in blocks():
        if block.language not in SHELL:
            continue
        lines = block.text.splitlines()
        prompted = block.language == "console" and any(ln.startswith("$ ") for ln in lines)
        for offset, raw in enumerate(lines, start=1):
            if prompted and not raw.startswith("$ "):
                continue  # output
            line = raw.removeprefix("$ ") if prompted else raw
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            text = _COMMENT.sub("", line).strip()
            out.append(Command(block, block.line + offset, text))
    return out


def documented(command: str) -> str:
    """``command`` itself, once checked that a page shows it exactly: a test that runs a docs
    command fails when the docs change it, instead of testing a command nobody shows."""
    shown = {c.text for c in commands()}
    assert command in shown, f"no page shows the command `{command}`"
    return command
