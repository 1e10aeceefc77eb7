"""WSGI entry point: ``gunicorn wsgi:app``."""

import gc

from deliberatie import create_app

app = create_app()

# What the app has built so far lives as long as the process: keep it out of the garbage
# collector's full collections, which otherwise walk it again and again (about a tenth of a
# vote's instructions; benchmarks/load/profile_vote.py --callgrind). With gunicorn --preload
# this also keeps the forked workers from touching, and so copying, the shared pages.
gc.collect()
gc.freeze()
