"""What every reader hands on: the document as a flat list of blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item", "table"]


class ReadError(ValueError):
    """The file cannot be read as a plan document; the message says why, for the person."""


@dataclass
class Block:
    """One heading, paragraph, list item or table of a document, cleaned.

    - heading: `level` 1–6 where the format says so (DOCX styles, Markdown #),
      0 where it is guessed (a short bold line, a numbered agenda line).
    - item: a list item; `marker` is the bullet or label as written ("•", "-",
      "a)", "1."), `level` its nesting (0 for the top).
    - table: `rows` of cell texts, the header row first; `text` is empty.
    - `emphasis`: the whole text was bold or italic (a heading in disguise).
    - `source`: the text as it stood in the file, shown beside what was read.
    """

    kind: BlockKind
    text: str = ""
    level: int = 0
    marker: str = ""
    rows: list[list[str]] = field(default_factory=list)
    emphasis: bool = False
    source: str = ""
