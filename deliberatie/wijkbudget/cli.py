"""``flask wijkbudget export WIJKBUDGET_ID -o FILE.pb``."""

import click

from ..extensions import db


@click.group("wijkbudget")
def wijkbudget_group():
    """Wijkbudget votes."""


@wijkbudget_group.command("export")
@click.argument("wijkbudget_id", type=int)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="The .pb file to write.")
def export_command(wijkbudget_id, output):
    """Write the ballots as a pabulib file with anonymous voter ids."""
    from .counting import export_pb
    from .models import Wijkbudget

    wijkbudget = db.session.get(Wijkbudget, wijkbudget_id)
    if wijkbudget is None:
        raise click.ClickException(f"no wijkbudget with id {wijkbudget_id}")
    text = export_pb(wijkbudget, output)
    votes = sum(1 for _ in text.split("VOTES\n", 1)[1].splitlines()) - 1 if "VOTES\n" in text else 0
    click.echo(f"wrote {output}: {len(wijkbudget.projects)} projects, {votes} ballots")
