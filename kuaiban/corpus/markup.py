"""HTML fragments left in compilation lines, as the plain text a reader expects.

Two compilations were extracted from web pages, and 68 of their lines (36 in chongqing-hrss-2021.txt, 32 in
hunan-hrss-2020.txt) still carry the pages' markup: a table cell's paragraphs (``<p>一、…</p> <p>二、…</p>``),
a list (``<ol style="…"> <li>1. …</li>``, or an ``<ol>`` whose ``<li>`` tags the extraction lost:
``<ol …> 1.申办报告。 2.…``), a link (``<a href="http://…">…</a>``), a form's check box
(``<input type="checkbox"/> 是``), a table nested in a cell (``<table><tr><td>…</td></tr></table>``); 16 more
hold markdown's ``<http://…>``.

:func:`html_to_text` turns one such fragment (a line, or one cell of a row) into text: every paragraph,
list item and nested cell on a line of its own ("\\n" between them), a link as its text (with its address
in brackets only when the text is not the address itself), a check box as □ (☑ when ticked), entities
unescaped, attributes dropped. Each layout calls it on a line before joining or de-spacing it, so a
paragraph still starts on the source line it is cited by.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# a real tag (<p>, </li>, <input …/>) — not "<5" nor "<国务院关于…>", which are text
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^<>\s]+)>")  # markdown: the address itself, bracketed
_BLOCKS = frozenset({"p", "div", "li", "ol", "ul", "table", "tr", "td", "th", "thead", "tbody", "h1", "h2",
                     "h3", "h4", "h5", "h6", "blockquote", "dd", "dt", "dl", "section", "br", "hr"})
_LISTS = frozenset({"ol", "ul"})
_SKIPPED = frozenset({"script", "style"})
_SPACES = re.compile(r"[^\S\n]+")
_BREAK = "\n"
# a list item's own number inside an <ol> that lost its <li> tags: " 2.…", " 3．…" (not 1.8万)
_ITEM_NUMBER = re.compile(r"(?:^|(?<=\s))(\d{1,2})\s*[.．、](?!\d)")


def has_markup(text: str) -> bool:
    """Whether ``text`` holds a tag or a markdown link to convert (cheap: most lines hold no "<")."""
    return "<" in text and (_TAG.search(text) is not None or _AUTOLINK.search(text) is not None)


def html_to_text(text: str) -> str:
    """The plain text of a line or cell that may hold an HTML fragment (see the module's docstring);
    text without markup comes back unchanged."""
    if "<" not in text:
        return text
    text = _AUTOLINK.sub(r"\1", text)
    if not _TAG.search(text):
        return text
    parser = _Fragment()
    parser.feed(text)
    parser.close()
    return parser.text()


def _address(url: str) -> str:
    """A link's address as a reader compares it with the link's text: no scheme, no closing slash."""
    return re.sub(r"^(?:https?://|ftp://|mailto:)", "", url.strip(), flags=re.I).rstrip("/").lower()


def split_numbered_items(text: str) -> str:
    """"1.申办报告。 2.举办者…。 3.…" → one item a line: the numbers must run 1, 2, 3 … (a "2." out of that
    order is the text's own), and nothing is split unless at least two items are found."""
    cuts: list[int] = []
    expected = 1
    for m in _ITEM_NUMBER.finditer(text):
        if int(m[1]) != expected:
            continue
        if expected == 1 and text[:m.start()].strip():
            return text  # text before the first item: not a numbered list
        cuts.append(m.start())
        expected += 1
    if len(cuts) < 2:
        return text
    bounds = [*cuts[1:], len(text)]
    return _BREAK.join(text[a:b].strip() for a, b in zip(cuts, bounds, strict=True))


class _Fragment(HTMLParser):
    """Collects a fragment's text, with a break at every block's edge."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []  # open <a>: its address, where its text starts in parts
        self.lists: list[tuple[int, bool]] = []  # open <ol>/<ul>: where it starts in parts, whether it has <li>
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name.lower(): value for name, value in attrs}
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "a":
            self.links.append((attributes.get("href") or "", len(self.parts)))
        elif tag == "input" and (attributes.get("type") or "").lower() in ("checkbox", "radio"):
            ticked = "checked" in attributes
            box = ("☑" if ticked else "□") if attributes["type"].lower() == "checkbox" else ("◉" if ticked else "○")
            self.parts.append(f" {box} ")
        elif tag in _BLOCKS:
            if tag == "li" and self.lists:
                self.lists[-1] = (self.lists[-1][0], True)
            self.parts.append(_BREAK)
            if tag in _LISTS:
                self.lists.append((len(self.parts), False))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIPPED and tag != "a":  # <a/> and <script/> hold no text
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "a" and self.links:
            self._close_link()
        elif tag in _LISTS and self.lists:
            self._close_list()
            self.parts.append(_BREAK)
        elif tag in _BLOCKS:
            self.parts.append(_BREAK)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def _close_link(self) -> None:
        href, start = self.links.pop()
        label = "".join(self.parts[start:]).strip()
        if not href or href.startswith("#"):
            return
        if not label:
            self.parts.append(href)
        elif _address(label) != _address(href):
            self.parts.append(f"（{href.strip()}）")

    def _close_list(self) -> None:
        start, has_items = self.lists.pop()
        if not has_items:  # the <li> tags were lost: the items are told apart by their own numbers
            self.parts[start:] = [split_numbered_items(_SPACES.sub(" ", "".join(self.parts[start:])))]

    def text(self) -> str:
        while self.links:
            self._close_link()
        while self.lists:
            self._close_list()
        lines = (_SPACES.sub(" ", line).strip() for line in "".join(self.parts).split(_BREAK))
        return _BREAK.join(line for line in lines if line)
