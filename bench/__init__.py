"""`make bench`: the foundation's performance goals, measured against a real `warroom serve`.

Not timed tests: nothing here fails a build. `python -m bench` prints a table with each goal and
PASS/MISS and writes bench/results/latest.json. Modules, one per measurement:

- declare.py     declare → public page reachable, over HTTP (goal p95 < 300 ms)
- render.py      server render time of a 2,000-entry public page, in-process (goal < 100 ms)
- throughput.py  requests/second under 50 clients with wrk, as a ratio to /healthz (goal ≥ 0.7)
- configs.py     the same for several `warroom serve --threads`/`--workers` values, and the big
                 page while the timeline changes (informs the `--threads` default)
- corpus.py, common.py, wrk.py: the incidents measured, shared helpers, running wrk
"""
