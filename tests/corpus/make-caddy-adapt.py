#!/usr/bin/python3
"""Make tests/corpus/caddy-adapt/ from Caddy's own adapter tests.

  make-caddy-adapt.py --git-dir CADDY_MIRROR [--tag v2.6.2] [--caddy caddy] [--shared ../shared] [OUT]

Takes every caddytest/integration/caddyfile_adapt/*.txt at TAG of a git mirror of
github.com/caddyserver/caddy (a Caddyfile, a line `----------`, the JSON the test expects),
runs real `caddy adapt --config Caddyfile --adapter caddyfile` on the Caddyfile copied to an
empty folder (with the files it imports beside it, at the paths the upstream test finds them)
and keeps the case when that adapts without error and equals the expected JSON as a JSON value.
A kept case is written as NAME.caddyfile + NAME.json (caddy's output, keys sorted, as
`python3 -m json.tool --sort-keys` prints it); README.md lists the kept and the dropped cases,
LICENSE is Caddy's licence at TAG and NOTICE says what was taken and how it was changed (Apache-2.0,
section 4). The known failures are tests/corpus/caddy-adapt.known-failures.txt.
"""
import argparse
import glob
import importlib.machinery
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
ADAPT_DIR = "caddytest/integration/caddyfile_adapt"
TEST_CWD = "caddytest/integration"  # the upstream test adapts from here, so imports are relative to it
SEPARATOR = "----------"
# Why caddy adapt fails on a case although the upstream test passes (added to the dropped reason).
DROP_NOTES = {
    "tracing": "Debian's caddy is built without the http.handlers.tracing module, OpenTelemetry",
    "tls_client_auth_cert_file": "trusted_ca_cert_file is read at adapt time relative to the working folder; "
                                 "upstream finds caddytest/caddy.ca.cer from caddytest/integration",
}


def load_check_adapt(shared):
    """The shared scorer's JSON comparison and path normalisation, so both agree on what "equal" means."""
    path = os.path.join(shared, "corpus", "check-adapt")
    spec = importlib.util.spec_from_loader("check_adapt", importlib.machinery.SourceFileLoader("check_adapt", path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Mirror:
    def __init__(self, git_dir, tag):
        self.git_dir, self.tag = git_dir, tag
        self.commit = self.git("rev-parse", tag + "^{commit}").strip()

    def git(self, *args):
        return subprocess.run(["git", "--git-dir", self.git_dir, *args], check=True,
                              capture_output=True, text=True).stdout

    def files(self, folder):
        return self.git("ls-tree", "-r", "--name-only", self.commit, folder + "/").split()

    def files_at_root(self):
        return self.git("ls-tree", "--name-only", self.commit).split()

    def read(self, path):
        return self.git("show", "%s:%s" % (self.commit, path))


def split_test(text):
    """As caddyfile_adapt_test.go does: the Caddyfile trimmed plus a newline, the JSON trimmed."""
    parts = text.split(SEPARATOR)
    return parts[0].strip() + "\n", parts[1].strip()


def imported_files(caddyfile, mirror):
    """Files (not snippets) the Caddyfile imports, as paths relative to the test's working folder.

    Returns (paths, problem); problem names an import that cannot be shipped beside the case."""
    snippets = set(re.findall(r"^\s*\(([^)\s]+)\)\s*\{", caddyfile, re.M))
    paths = []
    for target in re.findall(r"^\s*import\s+(\S+)", caddyfile, re.M):
        if target in snippets:
            continue
        rel = os.path.normpath(target)
        if os.path.isabs(rel) or rel.startswith(".."):
            return None, "imports %s, outside the test folder" % target
        pattern = re.compile(re.escape(rel).replace(r"\*", "[^/]*").replace(r"\?", "[^/]"))
        found = [f[len(TEST_CWD) + 1:] for f in mirror.files(TEST_CWD) if pattern.fullmatch(f[len(TEST_CWD) + 1:])]
        if not found:
            return None, "imports %s, which is not in the repository" % target
        paths += found
    return sorted(set(paths)), None


def caddy_adapt(caddy, caddyfile, imports, mirror, ca):
    """Real caddy's JSON for the Caddyfile, or (None, error text)."""
    work = tempfile.mkdtemp(prefix="make-caddy-adapt.")
    try:
        with open(os.path.join(work, "Caddyfile"), "w") as f:
            f.write(caddyfile)
        for rel in imports:
            os.makedirs(os.path.dirname(os.path.join(work, rel)), exist_ok=True)
            with open(os.path.join(work, rel), "w") as f:
                f.write(mirror.read("%s/%s" % (TEST_CWD, rel)))
        home = os.path.join(work, ".home")  # caddy 2.6.2 creates ~/.step even for `adapt`
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home)
        r = subprocess.run([caddy, "adapt", "--config", "Caddyfile", "--adapter", "caddyfile"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            return None, " ".join(r.stderr.split())[-300:]
        return ca.replace_paths(json.loads(r.stdout), ca.path_forms("Caddyfile", work)), None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def build(mirror, caddy, ca, out):
    kept, dropped = [], []
    for path in mirror.files(ADAPT_DIR):
        name = os.path.basename(path)
        if not name.endswith(".txt"):
            continue
        name = name[: -len(".txt")]
        caddyfile, expected = split_test(mirror.read(path))
        imports, problem = imported_files(caddyfile, mirror)
        if problem:
            dropped.append((name, problem))
            continue
        try:
            want = json.loads(expected)
        except ValueError as e:
            dropped.append((name, "the upstream expected JSON does not parse (%s)" % e))
            continue
        got, err = caddy_adapt(caddy, caddyfile, imports, mirror, ca)
        if err:
            note = " (%s)" % DROP_NOTES[name] if name in DROP_NOTES else ""
            dropped.append((name, "`caddy adapt` fails: %s%s" % (err, note)))
            continue
        diff = ca.first_difference(want, got)
        if diff:
            dropped.append((name, "Caddy 2.6.2 differs from the upstream expected JSON at %s" % diff))
            continue
        kept.append((name, caddyfile, got, imports))
    return kept, dropped


def write(out, kept, dropped, mirror, caddy_version):
    for old in glob.glob(os.path.join(out, "*.caddyfile")) + glob.glob(os.path.join(out, "*.json")):
        os.remove(old)
    shutil.rmtree(os.path.join(out, "testdata"), ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    for name, caddyfile, got, imports in kept:
        with open(os.path.join(out, name + ".caddyfile"), "w") as f:
            f.write(caddyfile)
        with open(os.path.join(out, name + ".json"), "w") as f:
            f.write(json.dumps(got, sort_keys=True, indent=4) + "\n")
        for rel in imports:
            os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
            with open(os.path.join(out, rel), "w") as f:
                f.write(mirror.read("%s/%s" % (TEST_CWD, rel)))
    with open(os.path.join(out, "LICENSE"), "w") as f:
        f.write(mirror.read("LICENSE"))
    # Apache-2.0 4(d): an upstream NOTICE must travel with the data; Caddy has had none so far.
    if "NOTICE" in mirror.files_at_root():
        upstream_notice = "Caddy's NOTICE file at that tag follows, unchanged.\n\n" + mirror.read("NOTICE")
    else:
        upstream_notice = "Caddy has no NOTICE file at that tag, so there is none to carry on."
    with open(os.path.join(out, "NOTICE"), "w") as f:
        f.write(NOTICE.format(tag=mirror.tag, commit=mirror.commit, adapt_dir=ADAPT_DIR, caddy_version=caddy_version,
                              upstream_notice=upstream_notice))
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(README.format(total=len(kept) + len(dropped), kept=len(kept), dropped=len(dropped),
                              tag=mirror.tag, commit=mirror.commit, caddy_version=caddy_version,
                              adapt_dir=ADAPT_DIR, test_cwd=TEST_CWD,
                              kept_list=", ".join("`%s`%s" % (n, " (imports %s)" % ", ".join("`%s`" % i for i in imp) if imp else "")
                                                  for n, _, _, imp in kept) + ".",
                              dropped_list="\n".join("| `%s` | %s |" % (n, why.replace("|", "\\|"))
                                                     for n, why in dropped)))


NOTICE = """\
Caddyfile adapter tests of Caddy (https://github.com/caddyserver/caddy), folder {adapt_dir}/
at tag {tag} (commit {commit}).
Copyright 2015 Matthew Holt and The Caddy Authors.
Licensed under the Apache License, Version 2.0; LICENSE beside this file is Caddy's LICENSE at that tag.

Changes made here (Apache-2.0, section 4(b)): each NAME.caddyfile is the Caddyfile part of upstream's
NAME.txt (the text before its line `----------`, trimmed, plus one newline); NAME.json is not
upstream's expected JSON but what Debian's caddy {caddy_version} prints adapting NAME.caddyfile (equal to
upstream's as a JSON value), keys sorted; testdata/ holds the file a case imports, unchanged.

{upstream_notice}
"""

README = """\
# Caddy's adapter tests at {tag}

{kept} of the {total} Caddyfile adapter tests of Caddy {tag}, each `NAME.caddyfile` (input) and
`NAME.json` (the JSON real Caddy {caddy_version} makes of it). CTest runs them as
`caddyfile_corpus_caddy_adapt` (`../check_corpus.py`): `proxflow adapt` must equal `NAME.json`,
real caddy must read `proxflow export` of `NAME.json` back to `NAME.json`, and `proxflow fmt` must
print what `caddy fmt` prints. The exceptions of today are in `../caddy-adapt.known-failures.txt`, one
`NAME  adapt|export|fmt  reason` a line; the check also fails when a listed case passes, so a fix
deletes its line.

## Source and licence

The data comes from <https://github.com/caddyserver/caddy>, folder `{adapt_dir}/`,
at tag `{tag}` (commit `{commit}`). Each test file there is a Caddyfile, a line `----------`,
then the JSON the test expects. Caddy is Copyright 2015 Matthew Holt and The Caddy Authors,
licensed under the Apache License 2.0: `LICENSE` here is Caddy's, and `NOTICE` says what was taken
and how it was changed. Only these data files (and `testdata/`, the file one of them imports) were
taken; no Go code was copied.

## How it was made

`../make-caddy-adapt.py --git-dir CADDY_MIRROR` (a git clone or mirror of the Caddy repository
holding the tag) regenerates this folder. For every test file at
`{tag}` it splits the Caddyfile from the expected JSON as `caddyfile_adapt_test.go` does (the
Caddyfile trimmed plus one newline, the JSON trimmed), copies the Caddyfile as `Caddyfile` into an
empty folder with the files it imports, and runs `caddy adapt --config Caddyfile --adapter
caddyfile` there with Debian's caddy {caddy_version} (HOME pointed at a temporary folder). The
upstream test runs in `{test_cwd}/`, so its `import testdata/x` means that folder's `testdata/x`;
here the file sits in `testdata/` beside the cases, where an import relative to the case file
finds it. A case is kept when caddy adapts it without error to JSON equal to the upstream expected
JSON as a JSON value (by the rules of `check-adapt` in the `shared/corpus` folder next to the
project). `NAME.json` is caddy's output with keys sorted, as `python3 -m json.tool --sort-keys`
prints it. This is how `shared/corpus/caddyfile` was made, without its selection by topic: every
case that qualifies is here.

## Kept ({kept})

{kept_list}

## Dropped ({dropped})

| case | why |
|---|---|
{dropped_list}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?", default=os.path.join(HERE, "caddy-adapt"))
    ap.add_argument("--git-dir", required=True, help="git mirror of github.com/caddyserver/caddy")
    ap.add_argument("--tag", default="v2.6.2")
    ap.add_argument("--caddy", default=os.environ.get("CADDY", "caddy"), help="real caddy (default: $CADDY or caddy)")
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "shared"),
                    help="the shared folder holding corpus/check-adapt")
    args = ap.parse_args()
    if not shutil.which(args.caddy):
        ap.error("real caddy %r not found" % args.caddy)
    ca = load_check_adapt(args.shared)
    mirror = Mirror(args.git_dir, args.tag)
    caddy_version = subprocess.run([args.caddy, "version"], capture_output=True, text=True).stdout.split()[0]
    kept, dropped = build(mirror, args.caddy, ca, args.out)
    write(args.out, kept, dropped, mirror, caddy_version)
    print("%d cases at %s (%s): %d kept, %d dropped" % (len(kept) + len(dropped), args.tag, mirror.commit,
                                                       len(kept), len(dropped)))
    for name, why in dropped:
        print("dropped %s: %s" % (name, why))


if __name__ == "__main__":
    main()
