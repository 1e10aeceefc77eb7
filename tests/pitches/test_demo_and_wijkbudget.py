"""The demo seeds (idempotent) and a selected pitch becoming a real wijkbudget project."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from deliberatie.extensions import db
from deliberatie.models import Role, Traject
from deliberatie.pitches import ranking, services
from deliberatie.pitches.models import Pitch, PitchStatus
from deliberatie.thematafels.models import Aanmelding, Idee, ThematafelEvent
from tests.factories import make_gemeente, make_traject
from tests.helpers import fast_user


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_seeds_are_idempotent_and_complete(app):
    from deliberatie.pitches import demo as pitches_demo
    from deliberatie.thematafels import demo as thematafels_demo
    from deliberatie.thematafels import services as tafel_services

    gemeente = make_gemeente(wijken=("Centrum", "Westerhaven"))
    users = {role: fast_user(role, f"{role.value}@demo.example.org") for role in Role}
    centrum = make_traject(gemeente, users[Role.ORGANISATOR], title="Leefbaar Centrum: thematafels")
    west = make_traject(gemeente, users[Role.ORGANISATOR], title="Wijkbudget Westerhaven 2027")
    today = date.today()
    with app.test_request_context():
        for _ in range(2):
            event = thematafels_demo.seed(centrum, users, today)
            pitches_demo.seed(west, users, today)
            db.session.commit()
        assert count(ThematafelEvent) == 1 and count(Aanmelding) == 60 and count(Pitch) == 5
        report = tafel_services.seating_report(event)
        assert report.participants == 60 and report.first > report.second
        assert all(len(t.gasten) <= t.capacity for t in event.tafels)
        assert count(Idee) >= 4 and tafel_services.harvest(event)[0].idee.plenary_votes > 0
        ronde = services.ronde_for(west)
        assert ronde.published_at is not None and len(ronde.jury) == 3
        rows = ranking.ranking(west)
        assert rows[0].pitch.status is PitchStatus.GESELECTEERD and rows[0].jurors == 3
        assert any(p.on_agenda_at for p in services.pitches_for(west))


def test_selected_pitch_becomes_project_of_wijkbudget_in_preparation(app):
    wijkbudget_models = pytest.importorskip("deliberatie.wijkbudget.models")
    gemeente = make_gemeente()
    organisator = fast_user(Role.ORGANISATOR, "org@example.org")
    traject = make_traject(gemeente, organisator)
    pitch = services.submit_pitch(traject, fast_user(), dict(title="Bankjes", problem="Nergens zitten",
                                                             plan="Zes bankjes", cost_cents=420_050, dragers="Wij"))
    with app.test_request_context():
        services.set_status(pitch, organisator, PitchStatus.GESELECTEERD, "Past in de kaders.")
        with pytest.raises(services.ServiceError) as error:
            services.to_wijkbudget(pitch, organisator)
        assert error.value.code == "no_wijkbudget"
        wijkbudget = wijkbudget_models.Wijkbudget(
            traject=traject, title="Wijkbudget", budget_cents=5_000_000, voting_starts_on=date.today(),
            voting_ends_on=date.today() + timedelta(days=7), ballot_type=wijkbudget_models.BallotType.APPROVAL,
            code_salt="x" * 32)
        db.session.add(wijkbudget)
        db.session.flush()
        project_id = services.to_wijkbudget(pitch, organisator)
        project = db.session.get(wijkbudget_models.WijkbudgetProject, project_id)
        assert (project.title, project.cost_cents, project.wijkbudget_id) == ("Bankjes", 420_050, wijkbudget.id)
        assert any(u.reason.startswith("De pitch is als project") for u in pitch.updates)
        with pytest.raises(services.ServiceError):
            services.to_wijkbudget(pitch, organisator)
        db.session.commit()
    assert db.session.get(Traject, traject.id) is not None
