from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Role, User
from ..permissions import can_manage_accounts, require
from . import blueprint, services
from .forms import ROLE_LABELS, AccountForm, DeleteAccountForm


@blueprint.route("/accounts")
def accounts():
    require(can_manage_accounts(current_user))
    users = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("beheer/accounts.html", users=users, role_labels=ROLE_LABELS)


@blueprint.route("/accounts/<int:user_id>", methods=["GET", "POST"])
def account(user_id):
    require(can_manage_accounts(current_user))
    account = db.session.get(User, user_id) or abort(404)
    form = AccountForm(data={"role": account.role.value, "active": account.active})
    if form.validate_on_submit():
        try:
            services.update_account(account, role=Role(form.role.data), active=form.active.data,
                                    actor=current_user)
        except services.LastBeheerder:
            form.role.errors.append(_("Er moet minstens één actieve beheerder blijven."))
        else:
            db.session.commit()
            flash(_("Het account van %(email)s is opgeslagen.", email=account.email), "success")
            # A beheerder who gave up the role may no longer see the list.
            return redirect(url_for("beheer.accounts" if can_manage_accounts(current_user) else "site.home"))
    return render_template("beheer/account.html", form=form, account=account, delete_form=DeleteAccountForm())


@blueprint.route("/accounts/<int:user_id>/verwijderen", methods=["POST"])
def delete_account(user_id):
    """An ended (inactive) account is deleted with its linked personal data; the audit log stays."""
    require(can_manage_accounts(current_user))
    account = db.session.get(User, user_id) or abort(404)
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        flash(_("Vink aan dat u het account definitief wilt verwijderen."), "error")
        return redirect(url_for("beheer.account", user_id=user_id))
    email = account.email
    try:
        services.delete_account(account, actor=current_user)
    except services.StillActive:
        flash(_("Zet het account eerst op inactief. Daarna kunt u het verwijderen."), "error")
        return redirect(url_for("beheer.account", user_id=user_id))
    db.session.commit()
    flash(_("Het account van %(email)s is verwijderd.", email=email), "success")
    return redirect(url_for("beheer.accounts"))
