"""`vangnet bench`: throughput and latency of the real server against its floors.

* :mod:`~vangnet.bench.prepare` - throwaway database, the measuring child, clean-up;
* :mod:`~vangnet.bench.run` - the child: migrate, demo data, measure, report;
* :mod:`~vangnet.bench.setup` - session, API token and pupils for the demo teacher;
* :mod:`~vangnet.bench.server` - gunicorn on a free loopback port;
* :mod:`~vangnet.bench.load` - concurrent keep-alive HTTP clients;
* :mod:`~vangnet.bench.floor` - the plain-SQL floor;
* :mod:`~vangnet.bench.queries` - queries per request at two sizes;
* :mod:`~vangnet.bench.care` - the care coordinator's start page with many cases;
* :mod:`~vangnet.bench.insights` - the incident insights query at scale against plain SQL;
* :mod:`~vangnet.bench.report` - the table, the JSON file and the goal.

See docs/bench.md.
"""
