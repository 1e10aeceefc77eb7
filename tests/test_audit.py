"""The audit log is a hash chain: editing or deleting an entry is detected."""

from deliberatie import audit
from deliberatie.extensions import db
from deliberatie.models import AuditEntry, Role
from tests.factories import make_user


def _three_entries():
    user = make_user(Role.ORGANISATOR, "org@example.org")
    for action in ("wijkbudget.open", "wijkbudget.close", "wijkbudget.publish"):
        audit.record(user, action, "wijkbudget:1", traject_id=1, note=action)
    db.session.commit()


def test_intact_chain_verifies(app, runner):
    _three_entries()
    assert audit.verify() == []
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
    assert [e.action for e in audit.entries_for(1)] == ["wijkbudget.open", "wijkbudget.close", "wijkbudget.publish"]


def test_edited_entry_detected(app, runner):
    _three_entries()
    db.session.execute(db.update(AuditEntry).where(AuditEntry.id == 2).values(details='{"note":"x"}'))
    db.session.commit()
    assert audit.verify() == ["entry 2: contents changed after it was written"]
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_deleted_entry_detected(app):
    _three_entries()
    db.session.execute(db.delete(AuditEntry).where(AuditEntry.id == 2))
    db.session.commit()
    assert audit.verify() == ["entry 3: previous entry missing or changed"]


def test_verify_says_how_much_it_checked_so_a_wiped_or_cut_log_shows(app, runner):
    """A hash chain cannot see its own tail cut off (or the whole log wiped): the count and last hash,
    compared with the ones noted earlier, can."""
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "0 entries" in result.output and "intact" not in result.output
    _three_entries()
    last = db.session.scalar(db.select(AuditEntry.hash).where(AuditEntry.id == 3))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact: 3 entries" in result.output and last in result.output
    db.session.execute(db.delete(AuditEntry).where(AuditEntry.id == 3))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "2 entries" in result.output and last not in result.output
