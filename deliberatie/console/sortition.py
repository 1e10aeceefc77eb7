"""`deliberatie sortition`: not implemented yet (see the sortition issue)."""


def register(parser):
    parser.set_defaults(handler=None)
