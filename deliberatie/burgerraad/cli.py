import click

from .. import clock
from ..extensions import db


@click.group("burgerraad")
def burgerraad_group():
    """Burgerraad maintenance."""


@burgerraad_group.command("purge-expired")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Pretend today is this date (YYYY-MM-DD).")
def purge_expired_command(today):
    """Delete the pool's personal data of every burgerraad whose term has ended (run daily)."""
    from .privacy import purge_expired

    purged = purge_expired(today.date() if today else clock.today())
    db.session.commit()
    click.echo(f"{len(purged)} burgerraad/burgerraden gewist")
