#!/usr/bin/env python3
"""Regenerate the oracle of the real-world corpus: NAME.json = `caddy adapt` of NAME.caddyfile.

  tests/corpus/make-real-world.py [--caddy PATH] [--check] [DIR]

Each DIR/NAME.caddyfile is copied alone into an empty folder as `Caddyfile` (so
file_server's hide list names ./Caddyfile and no neighbouring file can be
imported), adapted by real Caddy with HOME pointing at that folder, and the
output is written as NAME.json with sorted keys and four-space indent (the
form of `python3 -m json.tool --sort-keys`). The oracle is Caddy 2.6.2; any
other version is refused unless --any-version is given.

--check compares instead of writing and exits 1 when a stored NAME.json
differs or a case no longer adapts. DIR defaults to tests/corpus/real-world.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
ORACLE_VERSION = "2.6.2"


def caddy_version(caddy):
    out = subprocess.run([caddy, "version"], capture_output=True, text=True).stdout.split()
    return out[0].lstrip("v") if out else ""


def adapt(caddy, caddyfile):
    """Returns (json_text, None) or (None, error)."""
    work = tempfile.mkdtemp(prefix="make-real-world.")
    try:
        shutil.copyfile(caddyfile, os.path.join(work, "Caddyfile"))
        env = dict(os.environ, HOME=work, XDG_CONFIG_HOME=work, XDG_DATA_HOME=work)
        p = subprocess.run([caddy, "adapt", "--config", "Caddyfile", "--adapter", "caddyfile"],
                           cwd=work, env=env, capture_output=True, text=True)
        if p.returncode != 0:
            return None, " ".join(p.stderr.split())[-300:]
        return json.dumps(json.loads(p.stdout), sort_keys=True, indent=4) + "\n", None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", nargs="?", default=os.path.join(HERE, "real-world"))
    ap.add_argument("--caddy", default=os.environ.get("CADDY", "caddy"))
    ap.add_argument("--check", action="store_true", help="compare with the stored NAME.json, write nothing")
    ap.add_argument("--any-version", action="store_true", help="accept a caddy other than " + ORACLE_VERSION)
    args = ap.parse_args()
    if not shutil.which(args.caddy):
        ap.error("caddy not found: %r (set --caddy or $CADDY)" % args.caddy)
    version = caddy_version(args.caddy)
    if version != ORACLE_VERSION and not args.any_version:
        ap.error("the oracle is caddy %s, %s is %s (use --any-version to override)" % (ORACLE_VERSION, args.caddy, version))
    cases = sorted(glob.glob(os.path.join(args.dir, "*.caddyfile")))
    if not cases:
        ap.error("no *.caddyfile in %s" % args.dir)
    bad = 0
    for cf in cases:
        name = os.path.basename(cf)[: -len(".caddyfile")]
        js = os.path.join(args.dir, name + ".json")
        text, err = adapt(args.caddy, cf)
        if err:
            bad += 1
            print("ERROR %s: %s" % (name, err))
            continue
        if args.check:
            same = os.path.exists(js) and open(js).read() == text
            bad += not same
            print("%s %s" % ("SAME " if same else "DIFF ", name))
        else:
            with open(js, "w") as f:
                f.write(text)
            print("WROTE %s" % name)
    print("%d cases, %d %s" % (len(cases), bad, "differ or fail" if args.check else "fail"))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
