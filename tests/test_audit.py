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
