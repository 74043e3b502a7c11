"""Markdown for long texts: raw HTML is not interpreted, and the output is sanitised."""

from __future__ import annotations

import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from organisations.limits import LONG_TEXT_MAX_LENGTH

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "s",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}

# markdown-it-py is linear, but pure Python: 20,000 crafted `![` still cost a
# second, and a page shows many texts. Its rough costs (µs, measured) for the
# constructs it is slowest on give an estimate; a text estimated over the
# budget is shown as plain text. Real texts stay well below it: the 16,000
# characters of the national seed plan come to 14 ms, a list of 100 items with
# bold and a link each to 48 ms.
_COST_PER_CHARACTER = {
    "[": 130,
    "]": 10,
    "!": 30,
    "<": 150,
    "&": 20,
    "`": 25,
    "\\": 8,
    ":": 8,
    "#": 8,
    "|": 5,
}
_COST_PER_EMPHASIS = 30
_COST_PER_LINE = 50
_COST_PER_BLOCK = 150
_BUDGET = 60_000
# List items and headings.
_BLOCK_START = re.compile(r"^[ \t>]*(?:[-+*]|\d{1,9}[.)]|#{1,6})[ \t]", re.MULTILINE)


def _shift_headings(state: StateCore) -> None:
    """The page has its h1 and h2: a text's # becomes h3, ## h4, and deeper h5."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 5)}"


_markdown = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_markdown.core.ruler.push("shift_headings", _shift_headings)
# Every link becomes a link, and nh3 below removes an address of another scheme:
# [klikk](javascript:…) shows as the word, not as its Markdown source.
_markdown.validateLink = lambda url: True


def _cost(text: str) -> int:
    cost = sum(weight * text.count(char) for char, weight in _COST_PER_CHARACTER.items())
    cost += _COST_PER_EMPHASIS * (text.count("*") + text.count("_") + text.count("~"))
    cost += _COST_PER_LINE * text.count("\n")
    return cost + _COST_PER_BLOCK * len(_BLOCK_START.findall(text))


def _plain(text: str) -> SafeString:
    """Paragraphs and line breaks only, in string operations that stay fast at any length."""
    text = escape(text.replace("\r\n", "\n").replace("\r", "\n").strip("\n"))
    paragraphs = re.sub(r"\n{2,}", "</p><p>", text).replace("\n", "<br>")
    return mark_safe(f"<p>{paragraphs}</p>")  # noqa: S308 - escaped above


def render_markdown(text: str) -> SafeString:
    text = text or ""
    if len(text) > LONG_TEXT_MAX_LENGTH or _cost(text) > _BUDGET:
        # Stored before the length limit, or too costly to parse: shown as text.
        return _plain(text)
    clean = nh3.clean(
        _markdown.render(text),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above
