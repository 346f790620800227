"""``goarchlab bench http``: HTTP servers under load, per variant (issue 5).

The ``http`` suite is :data:`goarchlab.bench.http.suite.SUITE`, listed in
:mod:`goarchlab.bench.catalog`. Modules: ``build`` (servers and the
load generator), ``server`` (start, readiness, stop), ``drivers`` (builtin,
wrk, oha), ``job`` (one run, its measurements), ``suite`` (options, prepare),
``artifacts`` (profiles and GC views kept with the stored run).
"""
