#!/usr/bin/python3
"""Check ProxFlow's adapt, export and fmt against real Caddy on one Caddyfile corpus.

  check_corpus.py --proxflow BIN [--caddy caddy] [--shared DIR] [-k SUBSTR] CORPUS_DIR

CORPUS_DIR holds NAME.caddyfile + NAME.json (the JSON real Caddy 2.6.2 adapts it to). Per case:
  adapt   `proxflow adapt --config NAME.caddyfile` equals NAME.json (shared/corpus/check-adapt --candidate)
  export  real caddy reads `proxflow export --config NAME.json` back to NAME.json (check-adapt --export)
  fmt     `proxflow fmt NAME.caddyfile` prints exactly what `caddy fmt NAME.caddyfile` prints
          (every NAME.caddyfile, with or without NAME.json)

--known-failures FILE (default CORPUS_DIR/known-failures.txt) lists the failures of today, one
`NAME  adapt|export|fmt  reason` a line (a line starting with # is a comment). The check fails when a
case fails that is not listed, and when a listed one passes (the list only shrinks), or names a case
that does not exist.
--print-failures prints today's failures in that format instead of judging them.

Export and fmt need real caddy. Without it they are skipped and the exit status is 77 (CTest's
skip), unless CI=true, where a missing caddy fails the check. Exit 0 when all is as listed, 1 when
not, 2 on bad usage.
"""
import argparse
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
CHECKS = ("adapt", "export", "fmt")
SKIPPED = 77
RESULT_LINE = re.compile(r"^(PASS|FAIL|ERROR) +(\S+?)(?::\s+(.*))?$")


def read_known_failures(path):
    """{(case, check): reason} from the list; raises ValueError naming the bad line."""
    known = {}
    if not os.path.exists(path):
        return known
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split(None, 2)
            if len(fields) < 2 or fields[1] not in CHECKS:
                raise ValueError("%s:%d: want `NAME  adapt|export|fmt  reason`, got %r" % (path, number, line))
            known[(fields[0], fields[1])] = fields[2] if len(fields) > 2 else ""
    return known


def run_check_adapt(check_adapt, option, template, corpus, caddy, only):
    """{case: failure text or None} from one run of the shared scorer."""
    argv = [check_adapt, option, template, "--caddy", caddy, corpus] + (["-k", only] if only else [])
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode == 2:
        sys.exit("check-adapt: %s" % r.stderr.strip())
    results = {}
    for line in r.stdout.splitlines():
        m = RESULT_LINE.match(line)
        if m:
            # failure texts name the case file relative to the corpus, so they read the same on every machine
            detail = (m.group(3) or "").replace(corpus + os.sep, "")
            results[m.group(2)] = None if m.group(1) == "PASS" else "%s %s" % (m.group(1), detail)
    return results


def first_line_difference(want, got):
    want_lines, got_lines = want.splitlines(), got.splitlines()
    for i, (w, g) in enumerate(zip(want_lines, got_lines), 1):
        if w != g:
            return "line %d: %r, want %r" % (i, g, w)
    if len(want_lines) != len(got_lines):
        return "%d lines, want %d" % (len(got_lines), len(want_lines))
    return "final newline differs"


def check_fmt(proxflow, caddy, cases, env):
    """{case: failure text or None}: proxflow fmt against caddy fmt, output and success alike."""
    results = {}
    for name, path in cases:
        want = subprocess.run([caddy, "fmt", path], capture_output=True, text=True, env=env, timeout=30)
        got = subprocess.run([proxflow, "fmt", path], capture_output=True, text=True, timeout=30)
        if (want.returncode == 0) != (got.returncode == 0):
            results[name] = "caddy fmt exit %d, proxflow fmt exit %d: %s" % (
                want.returncode, got.returncode, " ".join((got.stderr or want.stderr).split())[:200])
        elif want.stdout != got.stdout:
            results[name] = first_line_difference(want.stdout, got.stdout)
        else:
            results[name] = None
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[2:]))
    ap.add_argument("corpus", help="folder of NAME.caddyfile + NAME.json")
    ap.add_argument("--proxflow", default=os.environ.get("PROXFLOW_BIN"), help="the proxflow binary ($PROXFLOW_BIN)")
    ap.add_argument("--caddy", default=os.environ.get("CADDY", "caddy"), help="real caddy ($CADDY or caddy)")
    ap.add_argument("--shared", default=os.environ.get("PROXFLOW_SHARED", os.path.join(HERE, "..", "..", "..", "shared")),
                    help="the shared folder holding corpus/check-adapt ($PROXFLOW_SHARED)")
    ap.add_argument("--known-failures", help="default: CORPUS/known-failures.txt")
    ap.add_argument("-k", "--only", metavar="SUBSTR", help="only cases whose name contains SUBSTR")
    ap.add_argument("--print-failures", action="store_true", help="print today's failures as a known-failures list")
    args = ap.parse_args()
    if not args.proxflow or not os.access(args.proxflow, os.X_OK):
        ap.error("give the proxflow binary with --proxflow or $PROXFLOW_BIN")
    corpus = os.path.abspath(args.corpus)
    check_adapt = os.path.join(args.shared, "corpus", "check-adapt")
    if not os.path.exists(check_adapt):
        ap.error("%s not found (set --shared)" % check_adapt)
    known_path = args.known_failures or os.path.join(corpus, "known-failures.txt")
    try:
        known = read_known_failures(known_path)
    except ValueError as e:
        ap.error(str(e))

    caddyfiles = [(os.path.basename(p)[: -len(".caddyfile")], p)
                  for p in sorted(glob.glob(os.path.join(corpus, "*.caddyfile")))]
    all_names = {name for name, _ in caddyfiles}
    caddyfiles = [(n, p) for n, p in caddyfiles if not args.only or args.only in n]
    if not caddyfiles:
        ap.error("no NAME.caddyfile in %s" % corpus)
    paired = [n for n, p in caddyfiles if os.path.exists(p[: -len(".caddyfile")] + ".json")]

    have_caddy = shutil.which(args.caddy) is not None
    if not have_caddy and os.environ.get("CI") == "true":
        print("real caddy %r not found and CI=true: export and fmt cannot be checked" % args.caddy)
        return 1

    results = {}  # check -> {case: failure text or None}
    proxflow = shlex.quote(args.proxflow)
    if paired:
        results["adapt"] = run_check_adapt(check_adapt, "--candidate", proxflow + " adapt --config {file}",
                                           corpus, args.caddy, args.only)
    if have_caddy:
        home = tempfile.mkdtemp(prefix="check-corpus-home.")  # caddy 2.6.2 creates ~/.step
        try:
            env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home)
            if paired:
                results["export"] = run_check_adapt(check_adapt, "--export", proxflow + " export --config {file}",
                                                    corpus, args.caddy, args.only)
            results["fmt"] = check_fmt(args.proxflow, args.caddy, caddyfiles, env)
        finally:
            shutil.rmtree(home, ignore_errors=True)

    if args.print_failures:
        for check in CHECKS:
            for name, failure in sorted(results.get(check, {}).items()):
                if failure:
                    print("%s  %s  %s" % (name, check, failure))
        return 0

    problems = []
    for (name, check) in sorted(known):
        if name not in all_names:
            problems.append("%s names %s, which is not a case: remove it from known-failures" % (known_path, name))
    for check in CHECKS:
        outcome = results.get(check)
        if outcome is None:
            continue
        expected_cases = paired if check != "fmt" else [n for n, _ in caddyfiles]
        passed = 0
        for name in expected_cases:
            if name not in outcome:
                problems.append("%s %s: no result from check-adapt" % (check, name))
                continue
            failure, listed = outcome[name], (name, check) in known
            passed += failure is None
            if failure and not listed:
                problems.append("%s %s: %s" % (check, name, failure))
            elif not failure and listed:
                problems.append("%s %s passes now: remove `%s  %s` from known-failures" % (check, name, name, check))
        print("%s: %d/%d pass, %d known failures" % (check, passed, len(expected_cases),
                                                    sum(1 for n, c in known if c == check and n in expected_cases)))
    for p in problems:
        print("PROBLEM " + p)
    if problems:
        return 1
    if not have_caddy:
        print("real caddy %r not found: export and fmt not checked" % args.caddy)
        return SKIPPED
    return 0


if __name__ == "__main__":
    sys.exit(main())
