"""The configuration reference page, generated from the schema so it can never drift.

``python -m noxkit._config.reference > docs/configuration.md`` rewrites the page; a unit test fails
when the committed page differs from what the schema says.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from noxkit._config.schema import Settings, iter_keys

__all__ = ["configuration_reference"]

_INTRO = """\
# Configuration reference

Every key lives under `[tool.noxkit]` in `pyproject.toml` and is optional. noxkit validates the
table strictly: an unknown key is an error that names the file, the key and the nearest valid
key; a value of the wrong type names the key, the expected type and the value. Both stop the
run with exit code 2 before any environment is created.

Values come in layers, lowest first: noxkit's defaults, a team profile
(`[tool.noxkit] profile`, see [profiles](profiles.md)), this table, `register(config=...)` in the
noxfile, and `NOXKIT_SET` on the command line. A list set by a higher layer replaces the lower
one; the `extend-<key>` form of a list key (`extend-deps`) appends instead. `noxkit doctor`
shows which layer set each value.

This page is generated from noxkit's schema (`python -m noxkit._config.reference`).
"""


def _default(value: object) -> str:
    if value is None:
        return "(automatic)"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, tuple):
        return "`[" + ", ".join(f'"{v}"' for v in value) + "]`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value}`"


def configuration_reference() -> str:
    """The Markdown reference of every ``[tool.noxkit]`` key."""
    parts = [_INTRO]
    tables: dict[str, list[tuple[str, dataclasses.Field[Any]]]] = {}
    for dotted, field in iter_keys():
        table, _, _leaf = dotted.rpartition(".")
        tables.setdefault(table, []).append((dotted, field))
    docs = {f.name.replace("_", "-"): f.metadata["doc"] for f in dataclasses.fields(Settings)}
    for table, keys in tables.items():
        title = f"[tool.noxkit.{table}]" if table else "[tool.noxkit]"
        parts.append(f"\n## `{title}`\n")
        if table in docs:
            parts.append(f"\n{docs[table]}\n")
        parts.append("\n| key | type | default | meaning |\n|---|---|---|---|\n")
        for dotted, field in keys:
            leaf = dotted.rpartition(".")[2]
            kind = field.metadata["kind"]
            if field.metadata.get("choices"):
                listed = ", ".join(f"`{c}`" for c in field.metadata["choices"])
                many = field.metadata.get("alternatives")
                kind = f"one or more of {listed}, joined by `|`" if many else f"one of {listed}"
            default = _default(field.default)
            cells = (f"`{leaf}`", kind, default, field.metadata["doc"])
            # A pipe inside a cell (`uv|virtualenv`) would end the cell.
            parts.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n")
        example_lines = [f"{d.rpartition('.')[2]} = {f.metadata['example']}" for d, f in keys]
        parts.append(f"\n```toml\n{title}\n" + "\n".join(example_lines) + "\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    print(configuration_reference(), end="")  # noqa: T201 - the page goes to stdout
