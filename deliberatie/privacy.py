"""A resident's own data (AVG articles 15, 17 and 20): see it, download it as JSON, delete it.

The rows that belong to an account are found from the schema, not from a
hand-kept list: every table with a foreign key to ``user_account`` (and,
through cascading keys, the rows hanging off those). So a component that adds
a table linked to accounts is covered without a change here. Deleting follows
each key's own rule, the way PostgreSQL does it (``CASCADE`` deletes the row,
``SET NULL`` keeps an anonymous row, e.g. a pitch whose initiator left) and
the same on SQLite, which does not enforce foreign keys.

Only residents (inwoners) delete their own account here. Organisers, raadsleden
and beheerders act for the municipality: their actions are in the audit log,
which outlives accounts, so a beheerder ends such an account (first inactive, then
deleted with the same rules, ``beheer``); so too for a resident who once acted as
one (a former organiser).

Registrations for a burgerraad are not linked to accounts (people sign up with
the code from their letter); they are deleted by the burgerraad purge after the
term (``flask burgerraad purge-expired``). The export leaves them out, even those
that carry the account's e-mail address: accounts made before registration verified
addresses (December 2026) may hold an address their owner never proved, so someone
could have registered with a neighbour's address and would download the neighbour's
registration (name, phone, answers). A registrant asks the gemeente for it.
"""

import json
from datetime import date, datetime

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired

from . import audit
from .extensions import db
from .models import Role, User
from .permissions import require

blueprint = Blueprint("privacy", __name__, url_prefix="/privacy")

NEVER_EXPORTED = {("user_account", "password_hash")}
ACCOUNTS = "user_account"
AUDIT_LOG = "audit_entry"


class DeleteForm(FlaskForm):
    password = PasswordField(_l("Uw wachtwoord, ter bevestiging"), validators=[DataRequired(_l("Vul uw wachtwoord in."))],
                             render_kw={"autocomplete": "current-password"})


def can_manage_own_data(user):
    return bool(user and user.is_authenticated)


def can_delete_own_account(user):
    """Residents, unless they once acted for the gemeente (a former organiser): the audit log keeps
    their e-mail address with those acts, so, as for staff, a beheerder ends the account."""
    if not (can_manage_own_data(user) and user.role is Role.INWONER):
        return False
    log = db.metadata.tables[AUDIT_LOG]
    return db.session.scalar(sa.select(log.c.id).where(log.c.actor_id == user.id).limit(1)) is None


# --------------------------------------------------------------------------------- services

def _references(table_name):
    """(table, column, ondelete, nullable) for every foreign key pointing at ``table_name``'s id."""
    found = []
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name:
                found.append((table, fk.parent, (fk.ondelete or "").upper(), fk.parent.nullable))
    return found


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def _rows(table, where):
    return [{c: _plain(v) for c, v in row._mapping.items() if (table.name, c) not in NEVER_EXPORTED}
            for row in db.session.execute(sa.select(table).where(where))]


def export_data(user) -> dict:
    """Everything stored about ``user``: the account and each row linked to it, by table."""
    accounts = db.metadata.tables[ACCOUNTS]
    data = {"account": _rows(accounts, accounts.c.id == user.id)[0], "linked": {}}
    for table, column, _ondelete, _nullable in _references(ACCOUNTS):
        rows = _rows(table, column == user.id)
        if rows:
            data["linked"].setdefault(table.name, []).extend(rows)
    # The audit log names its actors without a foreign key (it outlives accounts): the acts of this account.
    log = db.metadata.tables[AUDIT_LOG]
    rows = _rows(log, log.c.actor_id == user.id)
    if rows:
        data["linked"][AUDIT_LOG] = rows
    return data


def _delete_rows(table, where):
    """Delete rows and, first, what hangs off them (CASCADE) or point away from them (SET NULL)."""
    key = list(table.primary_key.columns)
    if len(key) == 1:
        ids = [r[0] for r in db.session.execute(sa.select(key[0]).where(where))]
        if ids:
            for child, column, ondelete, nullable in _references(table.name):
                if nullable and ondelete in ("SET NULL", ""):  # no rule: keep the row, drop the link
                    db.session.execute(sa.update(child).where(column.in_(ids)).values({column.name: None}))
                else:
                    _delete_rows(child, column.in_(ids))
    db.session.execute(sa.delete(table).where(where))


def delete_account(user, actor=None) -> None:
    """Remove the account and its personal data; the caller commits.

    ``actor``: the beheerder who ended a staff account (None: the resident themself).
    """
    accounts = db.metadata.tables[ACCOUNTS]
    user_id = user.id
    db.session.expunge_all()  # the ORM must not write back stale copies of deleted rows
    _delete_rows(accounts, accounts.c.id == user_id)
    audit.record(actor, "privacy.account_deleted", f"user:{user_id}")


# ------------------------------------------------------------------------------------ views

@blueprint.route("/mijn-gegevens")
def mijn_gegevens():
    require(can_manage_own_data(current_user))
    data = export_data(current_user)
    return render_template("privacy/mijn_gegevens.html", data=data, form=DeleteForm(),
                           can_delete=can_delete_own_account(current_user))


@blueprint.route("/mijn-gegevens.json")
def download():
    require(can_manage_own_data(current_user))
    body = json.dumps(export_data(current_user), indent=2, ensure_ascii=False, sort_keys=True)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=mijn-gegevens.json", "Cache-Control": "no-store"})


@blueprint.route("/mijn-gegevens/verwijderen", methods=["POST"])
def verwijderen():
    require(can_delete_own_account(current_user))
    form = DeleteForm()
    if not (form.validate_on_submit() and current_user.check_password(form.password.data)):
        flash(_("Het wachtwoord klopt niet. Uw account is niet verwijderd."), "error")
        return redirect(url_for("privacy.mijn_gegevens"))
    user = db.session.get(User, current_user.id)
    logout_user()
    delete_account(user)
    db.session.commit()
    flash(_("Uw account en uw gegevens zijn verwijderd."), "success")
    return redirect(url_for("site.home"))
