"""What a reader sees of a Streamlit Markdown string: its text, links and images.

Streamlit renders Markdown with CommonMark plus GFM tables; markdown-it-py in CommonMark
mode follows the same specification, so a test can assert on the rendered result rather than
on the escaped source.
"""

from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt

# Streamlit also turns URL-like text into links (GFM autolink literals): linkify does the same.
_RENDERER = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "linkify"])


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "a":
            self.links.append(attributes.get("href") or "")
        if tag == "img":
            self.images.append(attributes.get("src") or "")

    def handle_data(self, data):
        self.text.append(data)


def rendered(markdown: str) -> _Collector:
    collector = _Collector()
    collector.feed(_RENDERER.render(markdown))
    return collector


def shown(markdown: str) -> str:
    """The text a reader sees (invisible word joiners left out), with white space folded."""
    return " ".join("".join(rendered(markdown).text).replace("\u2060", "").split())


def links(markdown: str) -> list[str]:
    return rendered(markdown).links


def images(markdown: str) -> list[str]:
    return rendered(markdown).images
