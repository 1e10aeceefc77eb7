"""Models to plain JSON-ready dicts. Only public data: no accounts, no concepts."""


def wijk(w, *, populatie=False):
    data = {"id": w.id, "name": w.name, "cbs_code": w.cbs_code, "inwoners": w.inwoners}
    if populatie:
        data["populatie"] = [
            {"variable": p.variable, "category": p.category, "count": p.count, "base": p.base}
            for p in w.populatie
        ]
    return data


def traject(t):
    return {
        "id": t.id,
        "title": t.title,
        "opgave": t.opgave,
        "status": t.status.value,
        "participatieladder": t.ladder.value,
        "kaders": t.kaders,
        "belofte": t.belofte,
        "wijken": [w.id for w in t.wijken],
        "fasen": [
            {"name": f.name, "starts_on": f.starts_on.isoformat(), "ends_on": f.ends_on.isoformat()}
            for f in t.fasen
        ],
        "terugkoppeling": [
            {"title": r.title, "body": r.body, "published_on": r.published_on.isoformat()}
            for r in t.terugkoppelingen
        ],
    }


def gemeente(g):
    return {"id": g.id, "name": g.name, "cbs_code": g.cbs_code, "wijken": [w.id for w in g.wijken]}
