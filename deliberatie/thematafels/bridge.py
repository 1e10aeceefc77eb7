"""The one place that talks to the minderheidsstandpunten component: an idea becomes a statement."""


def create_stelling(idee, actor):
    """The new statement's id, or None when that component has no ``add_stelling`` service."""
    try:
        from ..minderheidsstandpunten.services import add_stelling
    except ImportError:  # pragma: no cover - the component is optional
        return None
    traject = idee.tafel.thema.event.traject
    return add_stelling(traject, actor, idee.title[:300]).id
