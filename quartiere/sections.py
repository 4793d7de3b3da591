"""Sections that other apps add to the Quartier and project pages.

`quartiere` imports neither `konferenzen` nor `partner` (dependencies point one way), yet its
pages show a Quartier's conference and the partners of a project. Those apps register a
section in their `AppConfig.ready()`:

    sections.register("quartier", order=10, template_name="konferenzen/includes/...html",
                      context=lambda quartier: {...})

`context(obj)` runs in the view (never in the template) and returns what the section's
template needs; returning None leaves the section out. The page includes each section's
template with `section` (the dict) and `object` (the Quartier or project). The page "finder"
is the Engagement-Finder when few offers fit; its object is the chosen Quartier.
"""

from collections.abc import Callable
from dataclasses import dataclass

PAGES = ("quartier", "project", "finder")


@dataclass(frozen=True)
class Section:
    order: int
    template_name: str
    context: Callable


_registry: dict[str, list[Section]] = {page: [] for page in PAGES}


def register(page: str, *, order: int, template_name: str, context: Callable) -> None:
    if page not in _registry:
        raise ValueError(f"unknown page {page!r}; known: {', '.join(PAGES)}")
    section = Section(order, template_name, context)
    if section not in _registry[page]:
        _registry[page].append(section)
        _registry[page].sort(key=lambda s: s.order)


def render_list(page: str, obj) -> list[dict]:
    """The sections of one page, each as {"template_name": …, "data": …}."""
    found = []
    for section in _registry[page]:
        data = section.context(obj)
        if data is not None:
            found.append({"template_name": section.template_name, "data": data})
    return found
