"""``goarchlab bench http``: HTTP servers under load, per variant (issue 5).

Importing this package registers the ``http`` suite with the bench engine
(:data:`goarchlab.bench.suites.PLUGINS`). Modules: ``build`` (servers and the
load generator), ``server`` (start, readiness, stop), ``drivers`` (builtin,
wrk, oha), ``job`` (one run, its measurements), ``suite`` (options, prepare),
``artifacts`` (profiles and GC views kept with the stored run).
"""

from goarchlab.bench.http import suite as _suite  # noqa: F401  (registers "http")
