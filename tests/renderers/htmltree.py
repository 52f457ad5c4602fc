"""A tiny HTML tree (stdlib html.parser) for asserting on rendered markup, and a browser-like form encoder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str | bool) -> list[Node]:
        """Descendants by tag and attributes (True: present; a string: equal; `class_`: one of the classes)."""
        return [n for n in self.iter() if n is not self and n.matches(tag, **attrs)]

    def find(self, tag: str | None = None, **attrs: str | bool) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def matches(self, tag: str | None = None, **attrs: str | bool) -> bool:
        if tag is not None and self.tag != tag:
            return False
        for key, wanted in attrs.items():
            name = key.rstrip("_").replace("_", "-")
            if name == "class":
                if str(wanted) not in self.attrs.get("class", "").split():
                    return False
            elif wanted is True:
                if name not in self.attrs:
                    return False
            elif self.attrs.get(name) != wanted:
                return False
        return True

    def closest(self, predicate: Callable[[Node], bool]) -> Node | None:
        node: Node | None = self
        while node is not None and not predicate(node):
            node = node.parent
        return node

    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return "".join(parts)

    def clean_text(self) -> str:
        return " ".join(self.text().split())


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Node:
    parser = _Parser()
    parser.feed(str(html))
    parser.close()
    return parser.root


def in_template(node: Node) -> bool:
    return node.closest(lambda n: n.tag == "template") is not None


def encode_form(root: Node) -> dict[str, list[str]]:
    """What a browser posts for the first <form>: enabled controls, checked boxes, selected options."""
    form = root.find("form") or root
    posted: dict[str, list[str]] = {}
    for node in form.iter():
        name = node.attrs.get("name")
        if not name or "disabled" in node.attrs or in_template(node) or node.tag not in ("input", "select", "textarea"):
            continue
        value = _control_value(node)
        if value is not None:
            posted.setdefault(name, []).append(value)
    return posted


def _control_value(node: Node) -> str | None:
    kind = node.attrs.get("type", "text")
    if node.tag == "textarea":
        return node.text()
    if node.tag == "select":
        options = node.find_all("option")
        chosen = [o for o in options if "selected" in o.attrs] or options[:1]
        return chosen[0].attrs.get("value", chosen[0].text()) if chosen else None
    if kind in ("radio", "checkbox"):
        return node.attrs.get("value", "on") if "checked" in node.attrs else None
    if kind in ("file", "submit", "button", "reset", "image"):
        return None
    return node.attrs.get("value", "")
