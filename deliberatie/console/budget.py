"""`deliberatie budget`: not implemented yet (see the budget issue)."""


def register(parser):
    parser.set_defaults(handler=None)
