"""Errors raised by the core: a code and parameters, no prose.

The web layer translates codes into Dutch in one place
(:mod:`deliberatie.messages`); the console script prints :func:`str`,
which names the place (file, line, row, field) and the code.
"""


class InputError(ValueError):
    """Bad input that the caller can fix.

    Parameters
    ----------
    code : str
        Dotted identifier of the problem, e.g. ``"pb.missing_field"``.
    **params
        Where and what: ``file``, ``line``, ``row``, ``field``, ``value``
        and anything else a message needs.
    """

    _PLACE = ("file", "line", "row", "field")

    def __init__(self, code, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    def __str__(self):
        place = [f"{key} {self.params[key]}" for key in self._PLACE if key in self.params]
        rest = [f"{key}={value!r}" for key, value in self.params.items() if key not in self._PLACE]
        return ", ".join(place + [self.code] + rest)
