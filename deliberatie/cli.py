"""App-wide ``flask`` commands. Components add theirs in their own package."""

import click
from flask import current_app

from . import clock
from .extensions import db


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Also run in production (not advised).")
def seed_demo_command(force):
    """Load the demo municipality, its accounts and trajecten (idempotent)."""
    from .demo import seed_demo

    if current_app.config["ENV"] == "production" and not force:
        raise click.ClickException("refusing to load demo accounts in production (use --force)")
    summary = seed_demo()
    db.session.commit()
    click.echo("Demo municipality Lindewaard is ready. Demo accounts (e-mail / password):")
    for email, role, password in summary.accounts:
        click.echo(f"  {role.value:<12} {email:<40} {password}")
    if summary.stemcodes:
        click.echo("Unused stemcodes for the wijkbudget vote in Westerhaven:")
        for code in summary.stemcodes:
            click.echo(f"  {code}")


@click.command("create-admin")
@click.argument("email")
@click.password_option()
def create_admin_command(email, password):
    """Create a beheerder account."""
    from email_validator import EmailNotValidError, validate_email

    from .auth.forms import MIN_PASSWORD
    from .auth.services import EmailTaken, register_user
    from .models import Role

    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password needs at least {MIN_PASSWORD} characters")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.ClickException(f"not an e-mail address: {error}")
    try:
        register_user(email=email, password=password, role=Role.BEHEERDER)
    except EmailTaken:
        raise click.ClickException(f"an account with {email} already exists")
    db.session.commit()
    click.echo(f"Beheerder {email} created.")


@click.command("purge-expired")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Pretend today is this date (YYYY-MM-DD).")
def purge_expired_command(today):
    """Delete personal data past its retention date in every component (run daily)."""
    from . import components

    purged = components.purge_expired(current_app, today.date() if today else clock.today())
    db.session.commit()
    click.echo(f"purged: {len(purged)}")


@click.group("audit")
def audit_group():
    """The hash-chained audit log."""


@audit_group.command("verify")
def audit_verify_command():
    """Recompute the chain; exit 1 when an entry was edited or deleted."""
    from . import audit

    problems = audit.verify()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    count, last = audit.head()
    if not count:
        click.echo("audit log empty: 0 entries")
    else:
        # Note these: a later check that shows fewer entries or another last hash means a cut-off tail.
        click.echo(f"audit log intact: {count} entries, last hash {last}")


def init_app(app):
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(audit_group)
    app.cli.add_command(purge_expired_command)
