"""Participatory budgeting (wijkbudget): pabulib files, counting rules, ballot checks."""

from deliberatie.core.budget.pabulib import Ballot, Election, Project, parse_pb, read_pb, write_pb

__all__ = ["Ballot", "Election", "Project", "parse_pb", "read_pb", "write_pb"]
