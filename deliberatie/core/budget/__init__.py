"""Participatory budgeting (wijkbudget): pabulib files, counting rules, ballot checks."""

from deliberatie.core.budget.ballots import BallotRules, CheckedBallot, check_ballot
from deliberatie.core.budget.pabulib import Ballot, Election, Project, parse_pb, read_pb, write_pb
from deliberatie.core.budget.profile import build_profile, make_profile
from deliberatie.core.budget.rules import RULES, Explanation, Outcome, count

__all__ = ["Ballot", "BallotRules", "CheckedBallot", "Election", "Explanation", "Outcome",
           "Project", "RULES", "build_profile", "check_ballot", "count", "make_profile",
           "parse_pb", "read_pb", "write_pb"]
