"""Reading a rendered page as a browser would: its forms, what they submit, its links.

Tests fill in the forms the page really renders (so a field the template forgets, or a
choice it does not offer, fails the test) instead of posting data written by hand.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit


class FormParser(HTMLParser):
    """The POST forms of a page: their action and the values a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None
        self._outside: list[tuple[str, str, str]] = []  # (form id, name, value)

    def _add(self, attrs, name, value):
        owner = attrs.get("form")
        if owner:
            self._outside.append((owner, name, value))
        elif self._form is not None:
            self._form["fields"].append((name, value))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "id": a.get("id"),
                "fields": [],
            }
            self.forms.append(self._form)
            return
        if tag in ("input", "select", "textarea") and ("disabled" in a or not a.get("name")):
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a, a["name"], a.get("value", "on"))
                return
            self._add(a, a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = {"attrs": a, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._select["options"].append(value)
            if "selected" in a:
                self._select["selected"].append(value)
        elif tag == "textarea":
            self._textarea = {"attrs": a, "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            s, self._select = self._select, None
            values = s["selected"]
            if not values and "multiple" not in s["attrs"] and s["options"]:
                values = s["options"][:1]
            for value in values:
                self._add(s["attrs"], s["attrs"]["name"], value or "")
        elif tag == "textarea" and self._textarea is not None:
            t, self._textarea = self._textarea, None
            self._add(t["attrs"], t["attrs"]["name"], t["text"].removeprefix("\n"))

    def close(self):
        super().close()
        for owner, name, value in self._outside:
            for form in self.forms:
                if form["id"] == owner:
                    form["fields"].append((name, value))


def form_data(html: str, page: str, target: str) -> dict:
    """The data of the page's POST form that submits to `target` (a path)."""
    parser = FormParser()
    parser.feed(html)
    parser.close()
    matching = [
        f
        for f in parser.forms
        if f["method"] == "post" and (urlsplit(f["action"]).path or page) == target
    ]
    assert matching, f"no form posting to {target} on {page}"
    data: dict[str, list] = {}
    for name, value in matching[0]["fields"]:
        data.setdefault(name, []).append(value)
    return data


def overlay(data: dict, fill: dict) -> dict:
    for name, value in fill.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return {name: values if len(values) != 1 else values[0] for name, values in data.items()}


def page_forms(html: str) -> list[dict]:
    """Every form of the page: method, action, id and the fields a browser would submit."""
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


class LinkParser(HTMLParser):
    """The links of a page: (href, classes, text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            a = dict(attrs)
            self._open = [a.get("href") or "", a.get("class") or "", ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append(tuple(self._open))
            self._open = None


def page_links(html: str) -> list[tuple[str, str, str]]:
    parser = LinkParser()
    parser.feed(html)
    parser.close()
    return parser.links
