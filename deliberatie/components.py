"""The participatory components, listed explicitly, and the hooks they offer.

Each entry names a package under ``deliberatie`` that exposes ``blueprint``
(a Flask blueprint whose name, URL prefix and template folder equal the
package name). A component may also expose these functions, which the rest
of the app calls through the helpers below, never by importing the
component directly:

``traject_links(traject, user) -> list[tuple[str, str]]``
    (label, url) pairs shown under "Doe mee" on the traject page.
``participant_groups(traject) -> list[ParticipantGroup]``
    groups of participants whose answers to the statistics questions
    (geslacht, leeftijd, wijk, opleiding, ...) statistiek compares with the
    population.
``outcome_summaries(traject) -> list[OutcomeSummary]``
    the majority outcome of the component for the raad's report.
``purge_expired(today) -> list``
    delete personal data whose retention date has passed (AVG); returns
    what was purged. ``flask purge-expired`` calls it daily.
"""

from dataclasses import dataclass, field
from importlib import import_module

COMPONENTS: tuple[str, ...] = (
    "wijkbudget",
    "burgerraad",
    "statistiek",
    "minderheidsstandpunten",
    "thematafels",
    "pitches",
)


@dataclass(frozen=True)
class ParticipantGroup:
    """Participants of one component, each a mapping variable -> category.

    ``key`` is stable and URL-safe (``"wijkbudget-3-voters"``); ``records``
    hold only the statistics answers, never names or contact details.
    Missing answers are simply absent from a record.
    """

    key: str
    label: str
    records: tuple[dict, ...]


@dataclass(frozen=True)
class OutcomeSummary:
    """A titled list of (label, value) rows plus an optional link to the details."""

    title: str
    rows: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    url: str | None = None


def load_components():
    return [import_module(f"deliberatie.{name}") for name in COMPONENTS]


def register_components(app):
    modules = load_components()
    for module in modules:
        app.register_blueprint(module.blueprint)
        if hasattr(module, "init_app"):
            module.init_app(app)
    app.extensions["deliberatie.components"] = modules


def _collect(app, hook, *args):
    """Call ``hook`` on every component; one failing component is logged, not fatal."""
    results = []
    for module in app.extensions.get("deliberatie.components", ()):
        if hasattr(module, hook):
            try:
                results.extend(getattr(module, hook)(*args))
            except Exception:
                app.logger.exception("component %s failed in %s", module.__name__, hook)
    return results


def traject_links(app, traject, user):
    """All components' links for one traject, in component order."""
    return _collect(app, "traject_links", traject, user)


def participant_groups(app, traject):
    return _collect(app, "participant_groups", traject)


def outcome_summaries(app, traject):
    return _collect(app, "outcome_summaries", traject)


def purge_expired(app, today):
    """Every component's purge; unlike the page hooks, a failure here is not swallowed."""
    purged = []
    for module in app.extensions.get("deliberatie.components", ()):
        if hasattr(module, "purge_expired"):
            purged.extend(module.purge_expired(today))
    return purged
