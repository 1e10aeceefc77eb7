"""`deliberatie opinions`: not implemented yet (see the opinions issue)."""


def register(parser):
    parser.set_defaults(handler=None)
