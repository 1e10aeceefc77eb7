"""The participatory components, listed explicitly.

Each entry names a package under ``deliberatie`` that exposes ``blueprint``
(a Flask blueprint whose name, URL prefix and template folder equal the
package name) and may expose ``traject_links(traject, user)``, returning
``(label, url)`` pairs shown on the traject page. Later issues add
thematafels, pitches, burgerraad, wijkbudget, minderheidsstandpunten and
statistiek here.
"""

from importlib import import_module

COMPONENTS: tuple[str, ...] = ()


def load_components():
    return [import_module(f"deliberatie.{name}") for name in COMPONENTS]


def register_components(app):
    modules = load_components()
    for module in modules:
        app.register_blueprint(module.blueprint)
    app.extensions["deliberatie.components"] = modules


def traject_links(app, traject, user):
    """All components' links for one traject, in component order."""
    links = []
    for module in app.extensions.get("deliberatie.components", ()):
        if hasattr(module, "traject_links"):
            links.extend(module.traject_links(traject, user))
    return links
