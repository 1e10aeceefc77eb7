"""Opinion mapping as pol.is does it (see :func:`map_opinions`)."""

from deliberatie.core.opinions.io import Conversation, from_arrays, from_votes, read_conversation
from deliberatie.core.opinions.pipeline import (
    ALGORITHM,
    OpinionGroup,
    OpinionMap,
    Parameters,
    StatementScore,
    in_conversation,
    map_opinions,
)

__all__ = [
    "ALGORITHM", "Conversation", "OpinionGroup", "OpinionMap", "Parameters",
    "StatementScore", "from_arrays", "from_votes", "in_conversation", "map_opinions", "read_conversation",
]
