#!/usr/bin/env python3
"""Benchmarks of tacker-db-manage side by side with Alembic (the runner
behind scripts/bench; see BENCHMARKS.md).

    bench.py run    --bin B --work W --out OUT [options]   measure, then report
    bench.py report --out OUT [--plot]                     table and plot again

Every case runs as its own process, timed by hyperfine (-N, one JSON export
per case under OUT/json/), after one probe run under `/usr/bin/time -v`
that gives the exit status and the peak RSS. A probe that takes long
enough (or any Alembic case at 10,000 revisions and more) is the only run
of its case: Alembic's quadratic `current` needs ~47 s there.

Tools:
  ours     the tacker-db-manage binary given by --bin
  alembic  `python3 -m alembic -c DIR/alembic.ini` with Debian's
           python3-alembic (/usr/bin/python3), the URL in DB_URL
  limit    the database applying the same SQL by itself: `sqlite3 DB
           ".read S"` or `psql -q -f S` / `psql -1 -q -f S`, where S is
           the offline script (`upgrade head --sql`) with our online run's
           transaction structure (one transaction per revision, or one for
           the whole run for the --single-transaction cases)

Standard library only.
"""

import argparse
import json
import math
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TIME = "/usr/bin/time"

# Case name -> what it is, in table order.
CASES = [
    ("startup", "start-up: `--version` / `import alembic.config, sqlalchemy`"),
    ("heads", "`heads`"),
    ("history", "`history`"),
    ("current:sqlite", "`current`, SQLite at head"),
    ("current:postgresql", "`current`, PostgreSQL at head"),
    ("sql:sqlite", "`upgrade head --sql` (sqlite)"),
    ("sql:postgresql", "`upgrade head --sql` (postgresql)"),
    ("upgrade:sqlite", "online `upgrade head` from empty, SQLite"),
    ("upgrade1:sqlite", "same, `--single-transaction`"),
    ("upgrade:postgresql", "online `upgrade head` from empty, PostgreSQL"),
    ("upgrade1:postgresql", "same, `--single-transaction`"),
    ("noop:sqlite", "no-op `upgrade head`, SQLite"),
    ("noop:postgresql", "no-op `upgrade head`, PostgreSQL"),
]
CASE_NAMES = [c for c, _ in CASES]
SLOW_N = 10000  # Alembic at this size and more: one run per case


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

class Masker:
    """Hide the PostgreSQL credentials in everything that is written out."""

    def __init__(self):
        self.pairs = []

    def add(self, secret, shown):
        if secret:
            self.pairs.append((secret, shown))

    def __call__(self, text):
        if text is None:
            return None
        for secret, shown in self.pairs:
            text = text.replace(secret, shown)
        return text


MASK = Masker()


def sh(argv):
    return " ".join(shlex.quote(a) for a in argv)


def run_quiet(argv, env=None, stdout=None, check=False, timeout=None):
    """Run argv; return (rc, last lines of stderr)."""
    p = subprocess.run(argv, env=env, stdout=stdout or subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=timeout)
    err = p.stderr.decode("utf-8", "replace").strip().splitlines()
    errors = [e for e in err if re.match(r"(ERROR|FATAL|Error|Traceback)|"
                                         r".*(error|failed)", e)]
    tail = " | ".join((errors or err)[-3:])
    if check and p.returncode != 0:
        raise SystemExit("bench: %s failed (%d): %s"
                         % (MASK(sh(argv)), p.returncode, MASK(tail)))
    return p.returncode, tail


def parse_time_v(path):
    """rc, peak RSS (KiB) and wall seconds from a `/usr/bin/time -v` file."""
    rc = rss = wall = None
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("Exit status:"):
                    rc = int(line.split(":")[1])
                elif line.startswith("Maximum resident set size"):
                    rss = int(line.rsplit(":", 1)[1])
                elif line.startswith("Elapsed (wall clock) time"):
                    v = line.rsplit(" ", 1)[1].split(":")
                    wall = sum(float(x) * 60 ** i
                               for i, x in enumerate(reversed(v)))
    except OSError:
        pass
    return rc, rss, wall


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if n == 0:
        return None
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def fmt_t(s):
    if s is None:
        return "–"
    if s < 1:
        return "%.1f ms" % (s * 1000) if s < 0.1 else "%.0f ms" % (s * 1000)
    return "%.2f s" % s if s < 10 else "%.1f s" % s


def fmt_range(r):
    if r.get("status") != "ok":
        return "fails"
    m = fmt_t(r["median"])
    if r["runs"] == 1:
        return "%s (1 run)" % m
    return "%s (%s–%s)" % (m, fmt_t(r["min"]).split()[0],
                            fmt_t(r["max"]))


def fmt_mb(kb):
    return "–" if kb is None else "%.1f" % (kb / 1024.0)


# --------------------------------------------------------------------------
# Chains and offline scripts
# --------------------------------------------------------------------------

def generate(work, kind, n):
    """The chain in both forms: (lua_dir, alembic_dir)."""
    base = os.path.join(work, "chains", "%s-%d" % (kind, n))
    dirs, fresh = [], False
    for fmt in ("lua", "alembic"):
        d = os.path.join(base, fmt)
        if not os.path.isdir(os.path.join(d, "versions")):
            run_quiet([sys.executable, os.path.join(HERE, "gen_chain.py"),
                       "--format", fmt, "--count", str(n), "--kind", kind,
                       "--out", d], check=True)
            fresh = True
        dirs.append(d)
    if fresh:
        # Our caches take only files left alone for 2 s (revcache.h).
        time.sleep(2.1)
    return dirs


def split_offline(text):
    """Offline SQL -> (header, [revision blocks]), BEGIN;/COMMIT; removed."""
    header, blocks, cur = [], [], None
    for line in text.splitlines():
        if line.strip() in ("BEGIN;", "COMMIT;"):
            continue
        if line.startswith("-- Running upgrade"):
            cur = []
            blocks.append(cur)
        (cur if cur is not None else header).append(line)
    return "\n".join(header), ["\n".join(b) for b in blocks]


def norm_sql(text):
    """Offline SQL lines without BEGIN;/COMMIT; and blank lines."""
    return [l for l in text.splitlines()
            if l.strip() and l.strip() not in ("BEGIN;", "COMMIT;")]


def write_limit_scripts(sql_text, base):
    """base.rev.sql: a transaction per revision (the header in its own);
    base.one.sql: the whole script in one (BEGIN/COMMIT for sqlite3; psql
    gets base.bare.sql with -1)."""
    header, blocks = split_offline(sql_text)
    with open(base + ".rev.sql", "w") as f:
        for part in [header] + blocks:
            f.write("BEGIN;\n%s\nCOMMIT;\n" % part)
    with open(base + ".bare.sql", "w") as f:
        f.write(header + "\n" + "\n".join(blocks) + "\n")
    with open(base + ".one.sql", "w") as f:
        f.write("BEGIN;\n%s\n%s\nCOMMIT;\n" % (header, "\n".join(blocks)))
    return len(blocks)


# --------------------------------------------------------------------------
# Measuring one case
# --------------------------------------------------------------------------

class Runner:
    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.work)
        self.out = os.path.abspath(args.out)
        self.bin = os.path.abspath(args.bin)
        self.results = []
        self.checks = []
        self.pg = args.pg_url
        for d in ("json", "time", "db", "sql", "err"):
            os.makedirs(os.path.join(self.work if d != "json" else self.out,
                                     d), exist_ok=True)
        if self.pg:
            u = urllib.parse.urlsplit(self.pg)
            if u.password:
                MASK.add(u.password, "***")
        self.pg_ok = bool(self.pg)
        # Our revision caches start empty, in the scratch directory; the
        # "cold" tool runs without them (DBM_REVISION_CACHE=off).
        os.environ["XDG_CACHE_HOME"] = os.path.join(self.work, "cache")
        # Which host sources the binary was built from (the tree changes).
        self.sources = first_line(
            ["sh", "-c", "cat %s/host/*.[ch] | sha256sum | cut -c1-16"
             % shlex.quote(ROOT)])

    # -- commands --------------------------------------------------------

    def ours(self, scripts, url, *cmd):
        argv = [self.bin, "--script-location", scripts]
        if url:
            argv += ["--database-connection", url]
        return argv + list(cmd)

    def alembic(self, adir, *cmd):
        return [self.args.python, "-m", "alembic", "-c",
                os.path.join(adir, "alembic.ini")] + list(cmd)

    def pg_url(self, db):
        u = urllib.parse.urlsplit(self.pg)
        return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + db,
                                        u.query, u.fragment))

    def pg_recreate(self, db):
        return ["psql", "-X", "-q", self.pg, "-c",
                "DROP DATABASE IF EXISTS %s" % db, "-c",
                "CREATE DATABASE %s" % db]

    # -- selection -------------------------------------------------------

    def wanted(self, case, tool, n):
        a = self.args
        if a.cases and case not in a.cases and case.split(":")[0] not in a.cases:
            return False
        if a.tools and tool not in a.tools:
            return False
        if (tool == "alembic" and a.skip_slow_alembic and n >= SLOW_N and
                case.split(":")[0] in ("current", "noop", "upgrade")):
            return False
        if case.endswith(":postgresql") and not case.startswith("sql") \
                and not self.pg_ok:
            return False
        return True

    def runs_for(self, probe_s):
        """(warmup, runs) after a probe, or None: the probe was enough."""
        a = self.args
        if a.runs:
            return (0 if probe_s > 1 else 1, a.runs)
        if a.quick:
            return (0, 3) if probe_s < 0.5 else None
        if probe_s < 0.05:
            return (3, 30)
        if probe_s < 0.5:
            return (2, 10)
        if probe_s < 5:
            return (0, 5)
        if probe_s < 20:
            return (0, 3)
        return None

    def spec(self, group, case, tool, kind, n, argv, env=None, prepare=None):
        """A case to time: its result dict (filled later) and how to run."""
        rid = "%s-%s-%d-%s-%s" % (group, kind, n, case.replace(":", "-"),
                                  tool)
        res = {"id": rid, "group": group, "case": case, "tool": tool,
               "kind": kind, "n": n, "status": "ok", "cmd": MASK(sh(argv)),
               "env": MASK(" ".join("%s=%s" % kv for kv in
                                    sorted((env or {}).items()))) or None,
               "prepare": MASK(sh(prepare)) if prepare else None,
               "date": time.strftime("%Y-%m-%d %H:%M:%S"),
               "ours_sources_sha256": self.sources
               if tool in ("ours", "cold")
               else None}
        full_env = dict(os.environ)
        full_env.update(env or {})
        hf = ["hyperfine", "-N", "--style", "none", "--output", "pipe", "-i"]
        if prepare:
            hf += ["--prepare", sh(prepare)]
        return {"rid": rid, "res": res, "argv": argv, "env": full_env,
                "prepare": prepare, "hf": hf, "t0": time.time()}

    def hyperfine(self, sp, argv, jfile, extra):
        rc, tail = run_quiet(sp["hf"] + extra + ["--export-json", jfile,
                                                 sh(argv)], env=sp["env"])
        if rc != 0:
            raise SystemExit("bench: hyperfine failed on %s: %s"
                             % (sp["rid"], MASK(tail)))
        with open(jfile) as f:
            text = f.read()
        with open(jfile, "w") as f:  # no password in what is kept
            f.write(MASK(text))
        return json.loads(text)["results"][0]

    def probe(self, sp):
        """One run under /usr/bin/time -v (timed by hyperfine too): exit
        status and peak RSS. Returns its time, or None when it failed."""
        res = sp["res"]
        tfile = os.path.join(self.work, "time", sp["rid"] + ".time")
        sp["jprobe"] = os.path.join(self.work, "time",
                                    sp["rid"] + ".probe.json")
        r = self.hyperfine(sp, [TIME, "-v", "-o", tfile] + sp["argv"],
                           sp["jprobe"], ["--runs", "1"])
        prc, rss, _ = parse_time_v(tfile)
        res["rss_kb"] = rss
        if prc == 0:
            sp["probe"] = r
            return r["times"][0]
        # Run it again plainly for its message.
        if sp["prepare"]:
            run_quiet(sp["prepare"], env=sp["env"])
        _, msg = run_quiet(sp["argv"], env=sp["env"], timeout=900)
        res.update(status="fails", error=MASK(msg)[:300], median=None,
                   min=None, max=None, runs=0)
        log("%-58s FAILS: %s" % (sp["rid"], res["error"][:100]))
        self.results.append(res)
        return None

    def finish(self, sp, times, src, user=None, system=None):
        res = sp["res"]
        res.update(median=median(times), min=min(times), max=max(times),
                   mean=sum(times) / len(times), runs=len(times),
                   user=user, system=system, source=src, times=times)
        log("%-58s %10s  [%s]  %s MB  (%.0f s)"
            % (sp["rid"], fmt_t(res["median"]), res["runs"],
               fmt_mb(res.get("rss_kb")), time.time() - sp["t0"]))
        self.results.append(res)
        return res

    def from_probe(self, sp):
        r = sp["probe"]
        shutil.copy(sp["jprobe"], os.path.join(self.out, "json",
                                               sp["rid"] + ".json"))
        return self.finish(sp, r["times"], "probe (under /usr/bin/time -v)",
                           r.get("user"), r.get("system"))

    def measure(self, group, case, tool, kind, n, argv, env=None,
                prepare=None):
        """Time argv; append and return the result dict."""
        sp = self.spec(group, case, tool, kind, n, argv, env, prepare)
        probe_s = self.probe(sp)
        if probe_s is None:
            return sp["res"]
        plan = None
        if not (tool == "alembic" and n >= SLOW_N):
            plan = self.runs_for(probe_s)
        if plan is None:
            return self.from_probe(sp)
        warm, runs = plan
        jfile = os.path.join(self.out, "json", sp["rid"] + ".json")
        r = self.hyperfine(sp, argv, jfile, ["--warmup", str(warm),
                                             "--runs", str(runs)])
        if any(c != 0 for c in r.get("exit_codes") or []):
            sp["res"].update(status="fails", error="non-zero exit in a "
                             "timed run (flaky)", median=None, min=None,
                             max=None, runs=0)
            self.results.append(sp["res"])
            return sp["res"]
        return self.finish(sp, r["times"], "hyperfine", r.get("user"),
                           r.get("system"))

    def measure_pair(self, a, b):
        """Time two specs interleaved, a round being one hyperfine run of
        each, so that both see the same machine (disk flushes on a shared
        VM drift by 2-3x within minutes). Sets b's "pair_ratio": the
        median of a/b over the rounds."""
        pa, pb = self.probe(a), self.probe(b)
        if pa is None or pb is None:
            for sp, p in ((a, pa), (b, pb)):
                if p is not None:
                    self.from_probe(sp)
            return a["res"], b["res"]
        plan = self.runs_for(max(pa, pb))
        if plan is None:
            ra, rb = self.from_probe(a), self.from_probe(b)
            rb["pair_ratio"] = ra["median"] / rb["median"]
            return ra, rb
        warm, runs = plan
        times = {id(a): [], id(b): []}
        for i in range(warm + runs):
            for sp in (a, b):
                jfile = os.path.join(self.work, "time", "%s.%d.json"
                                     % (sp["rid"], i))
                r = self.hyperfine(sp, sp["argv"], jfile, ["--runs", "1"])
                if any(c != 0 for c in r.get("exit_codes") or []):
                    raise SystemExit("bench: %s failed in a timed run"
                                     % sp["rid"])
                if i >= warm:
                    times[id(sp)].append(r["times"][0])
        for sp in (a, b):
            with open(os.path.join(self.out, "json", sp["rid"] + ".json"),
                      "w") as f:
                json.dump({"results": [{
                    "command": sp["res"]["cmd"], "times": times[id(sp)],
                    "median": median(times[id(sp)]),
                    "note": "interleaved with %s, one hyperfine run per "
                            "round" % (b if sp is a else a)["rid"]}]},
                          f, indent=1)
        ra = self.finish(a, times[id(a)], "hyperfine, interleaved rounds")
        rb = self.finish(b, times[id(b)], "hyperfine, interleaved rounds")
        rb["pair_ratio"] = median([x / y for x, y in
                                   zip(times[id(a)], times[id(b)])])
        return ra, rb

    # -- checks ----------------------------------------------------------

    def sqlite_state(self, path):
        """Tables with their columns (sorted), indexes, version rows."""
        if not os.path.exists(path):
            return None
        q = ("SELECT m.name, p.name, p.type, p.\"notnull\", p.pk "
             "FROM sqlite_master m, pragma_table_info(m.name) p "
             "WHERE m.type = 'table' ORDER BY 1, 2;"
             "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' "
             "ORDER BY 1;"
             "SELECT version_num FROM alembic_version ORDER BY 1;")
        p = subprocess.run(["sqlite3", path, q], capture_output=True)
        return p.stdout.decode() if p.returncode == 0 else None

    def pg_state(self, db):
        sql = ("SELECT table_name, column_name, data_type, is_nullable, "
               "character_maximum_length FROM information_schema.columns "
               "WHERE table_schema = 'public' ORDER BY 1, 2")
        p = subprocess.run(["psql", "-X", "-A", "-t", self.pg_url(db), "-c",
                            sql, "-c", "SELECT version_num FROM "
                            "alembic_version ORDER BY 1"],
                           capture_output=True)
        return p.stdout.decode() if p.returncode == 0 else None

    def check_same(self, what, states):
        """Record whether every state that exists is identical."""
        got = {k: v for k, v in states.items() if v}
        if len(got) < 2:
            return
        same = len(set(got.values())) <= 1
        self.checks.append({"check": what, "compared": sorted(got),
                            "identical": same})
        if not same:
            log("CHECK FAILED: %s differ among %s" % (what, sorted(got)))

    # -- one chain -------------------------------------------------------

    def chain(self, group, kind, n, lua, alem):
        """Every case on one chain; alem is None for ours only."""
        W = self.work
        tag = "%s-%s-%d" % (group, kind, n)
        db = lambda t: os.path.join(W, "db", "%s-%s.sqlite" % (tag, t))
        rm = lambda t: ["rm", "-f", db(t), db(t) + "-journal"]
        surl = lambda t: "sqlite:///" + db(t)
        M = lambda case, tool, argv, **kw: (
            self.measure(group, case, tool, kind, n, argv, **kw)
            if self.wanted(case, tool, n) else None)
        tools = ("ours", "alembic") if alem else ("ours",)
        quick_tools = tools + ("cold",)  # cases that read, not migrate
        ok = lambda r: r is not None and r["status"] == "ok"

        def cmd(tool, url, *c):
            if tool == "ours":
                return self.ours(lua, url, *c), None
            if tool == "cold":
                return self.ours(lua, url, *c), {"DBM_REVISION_CACHE": "off"}
            return self.alembic(alem, *c), {"DB_URL": url or "sqlite://"}

        for c in ("heads", "history"):
            for t in quick_tools:
                argv, env = cmd(t, None, c)
                M(c, t, argv, env=env)

        # Offline SQL: timed, then kept for the limit scripts.
        offline = {}
        for dialect, url in (("sqlite", "sqlite://"),
                             ("postgresql", "postgresql://bench@localhost/bench")):
            for t in quick_tools:
                argv, env = cmd(t, url, "upgrade", "head", "--sql")
                r = M("sql:" + dialect, t, argv, env=env)
                if r is None and not self.need_limit(dialect, n):
                    continue
                path = os.path.join(W, "sql", "%s-%s-%s.sql" % (tag, dialect, t))
                e = dict(os.environ)
                e.update(env or {})
                with open(path, "wb") as f:
                    rc, _ = run_quiet(argv, env=e, stdout=f)
                if rc == 0:
                    with open(path) as f:
                        offline[(dialect, t)] = f.read()
            if ("ours" in tools and "alembic" in tools and
                    (dialect, "ours") in offline and
                    (dialect, "alembic") in offline):
                # Our default is a transaction per revision, the generated
                # env.py's one for the run: BEGIN;/COMMIT; lines differ.
                a_, b_ = (norm_sql(offline[(dialect, t)])
                          for t in ("ours", "alembic"))
                first = next(("ours %r, Alembic %r" % (x[:90], y[:90])
                              for x, y in zip(a_, b_) if x != y),
                             None if len(a_) == len(b_) else "length")
                self.checks.append({
                    "check": "%s --sql %s: ours == Alembic, BEGIN/COMMIT "
                             "aside" % (tag, dialect),
                    "compared": ["ours", "alembic"],
                    "identical": first is None, "first_difference": first})

        def limit_base(dialect):
            text = offline.get((dialect, "ours")) or \
                offline.get((dialect, "alembic"))
            if text is None:
                return None, None
            src = "ours" if (dialect, "ours") in offline else "alembic"
            base = os.path.join(W, "sql", "%s-%s-limit" % (tag, dialect))
            write_limit_scripts(text, base)
            return base, src

        def online(case, o_argv, o_prep, l_argv, l_prep, src):
            """ours and the limit on one case, interleaved when both run."""
            want_l = l_argv is not None and self.wanted(case, "limit", n)
            if self.wanted(case, "ours", n) and want_l:
                ro, rl = self.measure_pair(
                    self.spec(group, case, "ours", kind, n, o_argv, None,
                              o_prep),
                    self.spec(group, case, "limit", kind, n, l_argv, None,
                              l_prep))
            else:
                ro = M(case, "ours", o_argv, prepare=o_prep)
                rl = M(case, "limit", l_argv, prepare=l_prep) \
                    if l_argv else None
            if rl:
                rl["limit_source"] = src
            return ro, rl

        # SQLite online.
        base, src = limit_base("sqlite")
        done = {}
        if alem:
            argv, env = cmd("alembic", surl("alembic"), "upgrade", "head")
            done["alembic"] = M("upgrade:sqlite", "alembic", argv, env=env,
                                prepare=rm("alembic"))
        for case, t, tl, flags, script in (
                ("upgrade:sqlite", "ours", "limit", [], ".rev.sql"),
                ("upgrade1:sqlite", "ours1", "limit1",
                 ["--single-transaction"], ".one.sql")):
            argv, _ = cmd("ours", surl(t), "upgrade", "head", *flags)
            largv = ["sqlite3", "-bail", db(tl), ".read " + base + script] \
                if base else None
            done[t], done[tl] = online(case, argv, rm(t), largv, rm(tl), src)
        self.check_same("%s SQLite schema after upgrade" % tag,
                        {t: self.sqlite_state(db(t))
                         for t, r in done.items() if ok(r)})
        for t in quick_tools:
            if t == "alembic" and not os.path.exists(db("alembic")) and \
                    os.path.exists(db("ours")):
                shutil.copy(db("ours"), db("alembic"))  # same schema
            dbt = "ours" if t == "cold" else t
            argv, env = cmd(t, surl(dbt), "current")
            M("current:sqlite", t, argv, env=env)
            argv, env = cmd(t, surl(dbt), "upgrade", "head")
            M("noop:sqlite", t, argv, env=env)

        if not self.pg_ok:
            return
        # PostgreSQL online: one database per tool.
        pdb = lambda t: ("bench_%s" % t).replace("-", "_")
        base, src = limit_base("postgresql")
        done = {}
        if alem:
            argv, env = cmd("alembic", self.pg_url(pdb("alembic")), "upgrade",
                            "head")
            done["alembic"] = M("upgrade:postgresql", "alembic", argv,
                                env=env,
                                prepare=self.pg_recreate(pdb("alembic")))
        for case, t, tl, flags, lflags, script in (
                ("upgrade:postgresql", "ours", "limit", [], [], ".rev.sql"),
                ("upgrade1:postgresql", "ours1", "limit1",
                 ["--single-transaction"], ["-1"], ".bare.sql")):
            argv, _ = cmd("ours", self.pg_url(pdb(t)), "upgrade", "head",
                          *flags)
            largv = (["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"] + lflags +
                     ["-f", base + script, self.pg_url(pdb(tl))]) \
                if base else None
            done[t], done[tl] = online(case, argv, self.pg_recreate(pdb(t)),
                                       largv, self.pg_recreate(pdb(tl)), src)
        self.check_same("%s PostgreSQL schema after upgrade" % tag,
                        {t: self.pg_state(pdb(t))
                         for t, r in done.items() if ok(r)})
        for t in quick_tools:
            dbt = "ours" if t == "cold" else t
            argv, env = cmd(t, self.pg_url(pdb(dbt)), "current")
            M("current:postgresql", t, argv, env=env)
            argv, env = cmd(t, self.pg_url(pdb(dbt)), "upgrade", "head")
            M("noop:postgresql", t, argv, env=env)

    def need_limit(self, dialect, n):
        a = self.args
        if not a.cases:
            return True
        return any(c.startswith("upgrade") for c in a.cases)

    # -- everything ------------------------------------------------------

    def run(self):
        a = self.args
        if self.pg:
            rc, tail = run_quiet(["psql", "-X", "-q", self.pg, "-c",
                                  "SELECT 1"])
            if rc != 0:
                log("PostgreSQL at %s unreachable (%s): its cases are "
                    "skipped" % (MASK(self.pg), MASK(tail)))
                self.pg_ok = False
        if self.wanted("startup", "ours", 0):
            self.measure("startup", "startup", "ours", "-", 0,
                         [self.bin, "--version"])
        if self.wanted("startup", "alembic", 0):
            self.measure("startup", "startup", "alembic", "-", 0,
                         [a.python, "-c", "import alembic.config, sqlalchemy"])
        for kind in a.kinds:
            for n in a.sizes:
                if a.quick and not a.explicit_sizes and kind != "linear" \
                        and n > 100:
                    continue  # --quick: branchy at 100 only
                lua, alem = generate(self.work, kind, n)
                self.chain("synthetic", kind, n, lua, alem)
        if a.tacker:
            versions = os.path.join(a.tacker, "versions")
            n = len([f for f in os.listdir(versions) if f.endswith(".lua")])
            self.chain("tacker", "tacker", n, os.path.abspath(a.tacker), None)


# --------------------------------------------------------------------------
# Machine description
# --------------------------------------------------------------------------

def first_line(argv):
    try:
        p = subprocess.run(argv, capture_output=True, timeout=30)
        out = (p.stdout or p.stderr).decode("utf-8", "replace").strip()
        return out.splitlines()[0] if out else None
    except (OSError, subprocess.SubprocessError):
        return None


def machine(args, pg):
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = "%.1f GiB" % (int(f.readline().split()[1]) / 1048576.0)
    except OSError:
        pass
    fs = first_line(["sh", "-c", "df -T %s | tail -1 | awk '{print $2}'"
                     % shlex.quote(args.work)])
    info = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu": cpu, "nproc": os.cpu_count(), "memory": mem,
        "kernel": platform.release(),
        "os": first_line(["sh", "-c", ". /etc/os-release; echo $PRETTY_NAME"]),
        "work_fs": fs,
        "loadavg_start": open("/proc/loadavg").read().split()[:3],
        "hyperfine": first_line(["hyperfine", "--version"]),
        "sqlite3": first_line(["sqlite3", "--version"]),
        "psql": first_line(["psql", "--version"]),
        "python_alembic": first_line([args.python, "-c",
                                      "import sys, alembic, sqlalchemy; "
                                      "print('python %s alembic %s "
                                      "sqlalchemy %s' % (sys.version.split()[0], "
                                      "alembic.__version__, "
                                      "sqlalchemy.__version__))"]),
        "ours": first_line([args.bin, "--version"]),
        "ours_sources_sha256": first_line(
            ["sh", "-c", "cat %s/host/*.[ch] | sha256sum | cut -c1-16"
             % shlex.quote(ROOT)]),
        "pg_server": None,
    }
    if pg:
        info["pg_server"] = first_line(["psql", "-X", "-A", "-t", pg, "-c",
                                        "SHOW server_version"])
        info["pg_settings"] = first_line(
            ["psql", "-X", "-A", "-t", pg, "-c",
             "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) "
             "FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit',"
             " 'full_page_writes')"])
    return info


# --------------------------------------------------------------------------
# Report: tables, targets, plot
# --------------------------------------------------------------------------

def index(results):
    return {(r["group"], r["kind"], r["n"], r["case"], r["tool"]): r
            for r in results}


def ours_limit_ratio(idx, g, k, n, case):
    o = idx.get((g, k, n, case, "ours"))
    lm = idx.get((g, k, n, case, "limit"))
    if not o or not lm or o["status"] != "ok" or lm["status"] != "ok":
        return None
    return lm.get("pair_ratio") or o["median"] / lm["median"]


def slope(t1, t2, n1, n2):
    if not t1 or not t2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def linearity(results):
    """(group, kind, case, tool) -> (n1, t1, n2, t2, slope) over the two
    largest sizes measured."""
    by = {}
    for r in results:
        if r["status"] != "ok" or r["group"] != "synthetic":
            continue
        by.setdefault((r["group"], r["kind"], r["case"], r["tool"]),
                      []).append((r["n"], r["median"]))
    out = {}
    for key, pts in by.items():
        pts.sort()
        if len(pts) >= 2 and pts[-1][0] >= 1000:
            (n1, t1), (n2, t2) = pts[-2], pts[-1]
            out[key] = (n1, t1, n2, t2, slope(t1, t2, n1, n2))
    return out


def targets(data):
    """[(target, measured, met)] from the results."""
    res = data["results"]
    idx = index(res)
    big = [r for r in res if r["group"] == "synthetic" and r["n"] >= SLOW_N]
    rows = []

    def worst(case_prefix, label, limit_s):
        rs = [r for r in big if r["tool"] == "ours" and
              r["case"].split(":")[0] == case_prefix]
        if not rs:
            rows.append((label, "not measured", False))
            return
        bad = [r for r in rs if r["status"] != "ok"]
        ok = [r for r in rs if r["status"] == "ok"]
        parts = ["%s %s %s" % (r["case"], r["kind"], fmt_t(r["median"]))
                 for r in sorted(ok, key=lambda r: -r["median"])[:2]]
        parts += ["%s %s fails" % (r["case"], r["kind"]) for r in bad]
        met = not bad and all(r["median"] < limit_s for r in ok)
        rows.append((label, "; ".join(parts), met))

    worst("current", "`current` at 10,000 revisions < 30 ms", 0.030)
    worst("heads", "`heads` at 10,000 revisions < 30 ms", 0.030)
    worst("sql", "`upgrade head --sql` at 10,000 < 150 ms", 0.150)
    for case, label in (("upgrade:sqlite", "online upgrade ≤ 1.15× `sqlite3` "
                         "applying the same SQL (transaction per revision)"),
                        ("upgrade1:sqlite", "same, one transaction "
                         "(`--single-transaction`)"),
                        ("upgrade:postgresql", "online upgrade ≤ 1.15× `psql` "
                         "applying the same SQL (transaction per revision)"),
                        ("upgrade1:postgresql", "same, `psql -1` vs "
                         "`--single-transaction`")):
        ratios, fails = [], []
        for r in res:
            if r["case"] == case and r["tool"] == "ours" and \
                    r["group"] == "synthetic":
                q = ours_limit_ratio(idx, r["group"], r["kind"], r["n"], case)
                if q is None:
                    fails.append(r)
                else:
                    ratios.append((q, r["kind"], r["n"]))
        if not ratios and not fails:
            rows.append((label, "not measured", False))
            continue
        parts = []
        if ratios:
            q, k, n = max(ratios)
            parts.append("worst %.2f× (%s %d)" % (q, k, n))
            big_r = [x for x in ratios if x[2] >= SLOW_N]
            if big_r:
                parts.append("at 10,000: " + ", ".join(
                    "%.2f× %s" % (x[0], x[1]) for x in sorted(big_r)))
        if fails:
            parts.append("fails at %s" % ", ".join(
                sorted(set("%s %d" % (r["kind"], r["n"]) for r in fails))))
        rows.append((label, "; ".join(parts),
                     not fails and all(x[0] <= 1.15 for x in ratios)))
    rss = [r for r in big if r["tool"] == "ours" and r.get("rss_kb")]
    if rss:
        top = max(rss, key=lambda r: r["rss_kb"])
        rows.append(("peak RSS < 20 MB at 10,000 revisions",
                     "max %s MB (%s %s)" % (fmt_mb(top["rss_kb"]),
                                            top["case"], top["kind"]),
                     top["rss_kb"] < 20 * 1024))
    else:
        rows.append(("peak RSS < 20 MB at 10,000 revisions", "not measured",
                     False))
    lin = linearity(res)
    ours = [(v[4], k) for k, v in lin.items() if k[3] == "ours"]
    if ours:
        s, k = max(ours)
        nonlin = sorted("%s %s (%.2f)" % (kk[2], kk[1], ss)
                        for ss, kk in ours if ss > 1.15)
        rows.append(("every case linear in the chain length (log-log slope "
                     "1,000→10,000 ≤ 1.15)",
                     "worst slope %.2f (%s %s)%s" % (
                         s, k[2], k[1],
                         "; above 1.15: " + ", ".join(nonlin) if nonlin
                         else ""),
                     s <= 1.15))
    return rows


def markdown(data):
    res = data["results"]
    idx = index(res)
    L = []
    L.append("| case | chain | n | tacker-db-manage | no cache | Alembic "
             "| Alembic ÷ ours | limit | ours ÷ limit "
             "| RSS ours / Alembic (MB) |")
    L.append("|---|---|---:|---|---|---|---:|---|---:|---|")
    keys = sorted({(r["group"], r["kind"], r["n"], r["case"]) for r in res},
                  key=lambda k: (CASE_NAMES.index(k[3]) if k[3] in CASE_NAMES
                                 else 99, k[0] != "startup", k[0] == "tacker",
                                 k[1], k[2]))
    for g, k, n, case in keys:
        o = idx.get((g, k, n, case, "ours"))
        c = idx.get((g, k, n, case, "cold"))
        a = idx.get((g, k, n, case, "alembic"))
        lm = idx.get((g, k, n, case, "limit"))
        speed = "–"
        if o and a and o["status"] == "ok" and a["status"] == "ok":
            speed = "%.0f×" % (a["median"] / o["median"]) \
                if a["median"] / o["median"] >= 10 else \
                "%.1f×" % (a["median"] / o["median"])
        q = ours_limit_ratio(idx, g, k, n, case)
        label = {"synthetic": k, "tacker": "Tacker", "startup": "–"}[g]
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |"
                 % (
            case, label, "–" if g == "startup" else "{:,}".format(n),
            fmt_range(o) if o else "–", fmt_range(c) if c else "–",
            fmt_range(a) if a else "–", speed,
            fmt_range(lm) if lm else "–",
            "%.2f×" % q if q else "–",
            fmt_mb(o.get("rss_kb")) if o else "–",
            fmt_mb(a.get("rss_kb")) if a else "–"))
    T = ["| target | measured | |", "|---|---|---|"]
    for label, measured, met in targets(data):
        T.append("| %s | %s | %s |" % (label, measured,
                                       "**met**" if met else "**not met**"))
    lin = linearity(res)
    S = ["| case | chain | sizes | ours | slope | Alembic | slope "
         "| limit | slope |", "|---|---|---|---|---:|---|---:|---|---:|"]
    for (g, k, case) in sorted({(key[0], key[1], key[2]) for key in lin},
                               key=lambda x: (CASE_NAMES.index(x[2]), x[1])):
        o = lin.get((g, k, case, "ours"))
        a = lin.get((g, k, case, "alembic"))
        f = lambda v: "%s → %s" % (fmt_t(v[1]), fmt_t(v[3])) if v else "–"
        s = lambda v: "%.2f" % v[4] if v else "–"
        lm = lin.get((g, k, case, "limit"))
        v = o or a
        S.append("| %s | %s | {:,} → {:,} | %s | %s | %s | %s | %s | %s |"
                 .format(v[0], v[2]) % (case, k, f(o), s(o), f(a), s(a),
                                        f(lm), s(lm)))
    C = ["| check | identical |", "|---|---|"]
    for c in data.get("checks", []):
        C.append("| %s (%s) | %s |" % (
            c["check"], ", ".join(c["compared"]),
            "yes" if c["identical"] else "**no**" + (
                ": first difference: " + c["first_difference"].replace(
                    "|", "\\|") if c.get("first_difference") else "")))
    return ("## Results\n\n" + "\n".join(L) + "\n\n## Targets\n\n" +
            "\n".join(T) + "\n\n## Linearity\n\n" + "\n".join(S) +
            "\n\n## Same work\n\n" + "\n".join(C) + "\n")


PLOT_CASES = [("heads", 1), ("current:sqlite", 2), ("sql:sqlite", 3),
              ("sql:postgresql", 5), ("upgrade:sqlite", 4),
              ("upgrade:postgresql", 6)]


def plot(data, out_png, work):
    """Log-log time against chain length, both tools (and the limit)."""
    if not shutil.which("gnuplot"):
        log("no gnuplot: no plot")
        return False
    res = [r for r in data["results"] if r["group"] == "synthetic" and
           r["status"] == "ok"]
    kinds = sorted({r["kind"] for r in res})
    if not res:
        return False
    ddir = os.path.join(work, "plot")
    os.makedirs(ddir, exist_ok=True)
    colors = {1: "#1b9e77", 2: "#d95f02", 3: "#7570b3", 4: "#e7298a",
              5: "#a6761d", 6: "#66a61e"}
    dash = {"ours": 1, "alembic": 2, "limit": 3}
    names = {"ours": "tacker-db-manage", "alembic": "Alembic 1.8.1",
             "limit": "database alone"}
    lines = ['set terminal pngcairo size %d,800 font "sans,10"'
             % (560 * len(kinds)),
             'set output "%s"' % out_png,
             "set logscale xy", "set grid",
             "set format y '10^{%L}'", "set xlabel 'revisions in the chain'",
             "set ylabel 'wall time (s), median'",
             "set key below maxrows 7 font ',8'",
             "set xrange [70:14000]",
             "set multiplot layout 1,%d" % len(kinds)]
    for kind in kinds:
        plots = []
        for case, c in PLOT_CASES:
            for tool in ("ours", "alembic", "limit"):
                pts = sorted((r["n"], r["median"]) for r in res
                             if r["kind"] == kind and r["case"] == case and
                             r["tool"] == tool)
                if not pts:
                    continue
                path = os.path.join(ddir, "%s-%s-%s.dat"
                                    % (kind, case.replace(":", "-"), tool))
                with open(path, "w") as f:
                    for n, t in pts:
                        f.write("%d %g\n" % (n, t))
                plots.append("'%s' using 1:2 with linespoints dt %d lw 2 "
                             "pt %d lc rgb '%s' title '%s: %s'"
                             % (path, dash[tool], {"ours": 7, "alembic": 5,
                                                   "limit": 9}[tool],
                                colors[c], names[tool], case))
        lines.append("set title '%s chain'" % kind)
        lines.append("plot " + ", \\\n     ".join(plots))
    lines.append("unset multiplot")
    gp = os.path.join(ddir, "plot.gp")
    with open(gp, "w") as f:
        f.write("\n".join(lines) + "\n")
    rc, tail = run_quiet(["gnuplot", gp])
    if rc != 0:
        log("gnuplot failed: %s" % tail)
        return False
    return True


def report(out, work, want_plot):
    with open(os.path.join(out, "results.json")) as f:
        data = json.load(f)
    md = markdown(data)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(md)
    if want_plot:
        png = os.path.join(out, "plot.png")
        if plot(data, png, work):
            log("plot: %s" % png)
    return md


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="measure, then write the report")
    r.add_argument("--bin", required=True, help="tacker-db-manage binary")
    r.add_argument("--work", required=True, help="scratch directory")
    r.add_argument("--out", required=True, help="results directory")
    r.add_argument("--quick", action="store_true",
                   help="sizes 100 and 1000, few runs, no plot")
    r.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")])
    r.add_argument("--kinds", type=lambda s: s.split(","))
    r.add_argument("--cases", type=lambda s: s.split(","),
                   help="only these (e.g. heads,current:sqlite,upgrade)")
    r.add_argument("--tools", type=lambda s: s.split(","),
                   help="only these of ours,alembic,limit")
    r.add_argument("--runs", type=int, help="fixed number of timed runs")
    r.add_argument("--skip-slow-alembic", action="store_true",
                   help="skip Alembic's current, no-op and online upgrade "
                        "at 10,000 revisions (minutes)")
    r.add_argument("--pg-url", help="admin URL of a PostgreSQL server "
                   "(the bench creates its own databases there)")
    r.add_argument("--tacker", help="the Lua Tacker chain (script location)")
    r.add_argument("--python", default="/usr/bin/python3",
                   help="the interpreter with Alembic (Debian's)")
    r.add_argument("--merge", action="store_true",
                   help="replace matching entries of an existing "
                        "OUT/results.json instead of starting afresh")
    r.add_argument("--no-plot", action="store_true")
    rp = sub.add_parser("report", help="rewrite table.md (and the plot)")
    rp.add_argument("--out", required=True)
    rp.add_argument("--work", default=None)
    rp.add_argument("--plot", action="store_true")
    a = p.parse_args(argv)

    if a.cmd == "report":
        work = a.work or os.path.join(a.out, ".plot")
        sys.stdout.write(report(a.out, work, a.plot))
        return 0

    a.explicit_sizes = a.sizes is not None
    if a.sizes is None:
        a.sizes = [100, 1000] if a.quick else [100, 1000, 10000]
    if a.kinds is None:
        a.kinds = ["linear", "branchy"]
    for t in ("hyperfine", "sqlite3", TIME):
        if not shutil.which(t):
            raise SystemExit("bench: %s is missing" % t)
    os.makedirs(a.out, exist_ok=True)
    runner = Runner(a)
    info = machine(a, runner.pg)
    info["command"] = MASK(sh(sys.argv))
    started = time.time()
    runner.run()
    info["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    info["duration_s"] = round(time.time() - started)
    path = os.path.join(a.out, "results.json")
    data = {"machine": info, "results": runner.results,
            "checks": runner.checks}
    if a.merge and os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
        new_ids = {r["id"] for r in runner.results}
        data["results"] = [r for r in old["results"]
                           if r["id"] not in new_ids] + runner.results
        new_checks = {c["check"] for c in runner.checks}
        data["checks"] = [c for c in old.get("checks", [])
                          if c["check"] not in new_checks] + runner.checks
        data["machine"] = old["machine"]
        data["machine"].setdefault("reruns", []).append(info)
    with open(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    md = report(a.out, os.path.join(a.work, "plot"),
                not (a.quick or a.no_plot))
    sys.stdout.write(md)
    bad = [c for c in runner.checks if not c["identical"]]
    if bad:
        log("warning: %d consistency check(s) found different results "
            "(see 'Same work' in %s/table.md)" % (len(bad), a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
