"""The fenced code blocks of noxkit's documentation, for the tests that keep them true.

Languages say what a block is: ``python`` and ``toml`` blocks are examples that the tests
execute or validate; ``console``, ``text``, ``markdown`` and ``yaml`` blocks are transcripts or
file contents shown to the reader, checked where a check is possible (commands must name real
sessions and subcommands).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
EXECUTED = {"python", "toml"}
SHOWN = {"console", "text", "markdown", "yaml"}

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


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
