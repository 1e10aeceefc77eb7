"""Framework-free algorithms: plain data in, plain data out.

Only the standard library, numpy and scipy may be imported here; never
Flask or SQLAlchemy. The web layer converts ORM rows to plain data and
back in the components' ``services.py``.
"""
