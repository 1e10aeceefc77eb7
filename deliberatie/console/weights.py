"""`deliberatie weights`: not implemented yet (see the weights issue)."""


def register(parser):
    parser.set_defaults(handler=None)
