"""file_server against the real Caddy 2.6.2: one temporary tree served from the same Caddyfile by
`caddy run` and `proxflow run`, the same requests sent to both; status, body and the headers that
carry file semantics must be equal, and each answer must also be the one the HTTP rules call for
(so two equally wrong servers still fail). Under CI=true a missing caddy fails instead of skipping."""
import gzip
import http.client
import json
import os
import shutil
import subprocess
import unittest

import harness

CADDY = shutil.which("caddy")
IN_CI = os.environ.get("CI") == "true"
# The headers whose values must be the same from both servers.
COMPARED_HEADERS = ("content-type", "etag", "last-modified", "content-range", "content-encoding", "vary", "location",
                    "accept-ranges", "x-content-type-options")
UNICODE_NAME = "ünï cödé ✓.txt"


def site(port, root, body):
    """The same Caddyfile for both servers: no admin, no HTTPS, bound to loopback, the tree as root."""
    return f"""{{
	admin off
	auto_https off
}}
:{port} {{
	bind 127.0.0.1
	root * {root}
{body}}}
"""


def caddyfile(port, root):
    return site(port, root, """	file_server browse {
		hide secret.txt
		precompressed zstd gzip
	}
""")


def request(port, method, target, headers=None):
    """One request sent with the target exactly as given (no client-side path cleaning)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        res = conn.getresponse()
        body = res.read()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, body
    finally:
        conn.close()


class AgainstCaddy(harness.ProxyTestCase):
    """One Caddyfile (self.caddyfile(port, root)) run by both servers over the tree make_tree writes."""
    caddyfile = staticmethod(caddyfile)

    def setUp(self):
        super().setUp()
        if not CADDY:
            if IN_CI:
                self.fail("caddy (Debian's caddy 2.6.2) is required under CI=true")
            self.skipTest("the real caddy is needed as the reference")
        self.root = os.path.join(self.tmp, "site")
        self.make_tree(self.root)
        caddy_port, proxflow_port = harness.free_port(), harness.free_port()
        caddy_dir = os.path.join(self.tmp, "caddy")
        os.makedirs(caddy_dir)
        caddy_conf = os.path.join(caddy_dir, "Caddyfile")
        with open(caddy_conf, "w") as f:
            f.write(self.caddyfile(caddy_port, self.root))
        env = dict(os.environ, HOME=caddy_dir, XDG_DATA_HOME=caddy_dir, XDG_CONFIG_HOME=caddy_dir)
        caddy = self.procs.start("caddy", [CADDY, "run", "--config", caddy_conf, "--adapter", "caddyfile"], env=env,
                                 cwd=caddy_dir)
        harness.wait_until(lambda: caddy.poll() is not None or harness.port_open(caddy_port), what="caddy")
        self.assertIsNone(caddy.poll(), harness.log_of(caddy))
        self.start_proxflow(self.caddyfile(proxflow_port, self.root), caddyfile=True, wait_port=proxflow_port)
        self.ports = {"caddy": caddy_port, "proxflow": proxflow_port}

    def make_tree(self, root):
        os.makedirs(os.path.join(root, "sub"))
        os.makedirs(os.path.join(root, "plain", "nested"))
        files = {
            "index.html": b"<h1>home</h1>\n",
            "sub/index.html": b"<h1>sub</h1>\n",
            "notes.txt": b"plain notes\n",
            "secret.txt": b"do not serve\n",
            "plain/secret.txt": b"hidden in a listing too\n",
            "plain/a.txt": b"a\n",
            "plain/B.json": b"{}\n",
            "style.css": b"body { color: black; }\n" * 40,
            UNICODE_NAME: "unicode ✓\n".encode(),
            "big.bin": os.urandom(1024 * 1024),
        }
        for name, data in files.items():
            with open(os.path.join(root, name), "wb") as f:
                f.write(data)
        with open(os.path.join(root, "style.css.gz"), "wb") as f:
            f.write(gzip.compress(files["style.css"]))
        subprocess.run(["zstd", "-q", "-f", os.path.join(root, "style.css"), "-o", os.path.join(root, "style.css.zst")],
                       check=True)
        with open(os.path.join(self.tmp, "outside.txt"), "wb") as f:
            f.write(b"outside the root\n")
        self.files = files

    def both(self, method, target, headers=None):
        """The same request to both servers; asserts equal status, body and compared headers."""
        answers = {name: request(port, method, target, headers) for name, port in self.ports.items()}
        (c_status, c_headers, c_body), (p_status, p_headers, p_body) = answers["caddy"], answers["proxflow"]
        where = f"{method} {target} {headers or ''}"
        self.assertEqual(p_status, c_status, where)
        for name in COMPARED_HEADERS:
            self.assertEqual(p_headers.get(name), c_headers.get(name), f"{where}: header {name}")
        self.assertEqual(p_body, c_body, where)
        return p_status, p_headers, p_body



class FileServerAgainstCaddy(AgainstCaddy):
    def test_index_files_and_plain_files_are_served_with_their_metadata(self):
        status, headers, body = self.both("GET", "/")
        self.assertEqual((status, body), (200, b"<h1>home</h1>\n"))
        self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
        status, headers, body = self.both("GET", "/notes.txt")
        self.assertEqual((status, body), (200, b"plain notes\n"))
        self.assertRegex(headers["etag"], r'^"[0-9a-z]+"$')
        self.assertTrue(headers["last-modified"].endswith(" GMT"))
        status, _, body = self.both("GET", "/big.bin")
        self.assertEqual((status, body), (200, self.files["big.bin"]))

    def test_directories_get_a_trailing_slash_and_files_lose_it(self):
        status, headers, _ = self.both("GET", "/sub")
        self.assertEqual((status, headers["location"]), (308, "/sub/"))
        self.assertEqual(self.both("GET", "/sub/")[2], b"<h1>sub</h1>\n")
        self.assertEqual(self.both("GET", "/plain")[1]["location"], "/plain/")
        self.assertEqual(self.both("GET", "/notes.txt/")[0], 404)

    def test_head_has_the_headers_of_get_and_no_body(self):
        status, headers, body = self.both("HEAD", "/big.bin")
        self.assertEqual((status, body, headers["content-length"]), (200, b"", str(1024 * 1024)))

    def test_single_ranges_give_206_and_unsatisfiable_ones_416(self):
        big = self.files["big.bin"]
        status, headers, body = self.both("GET", "/big.bin", {"Range": "bytes=100-199"})
        self.assertEqual((status, headers["content-range"], body), (206, "bytes 100-199/1048576", big[100:200]))
        status, headers, body = self.both("GET", "/big.bin", {"Range": "bytes=-10"})
        self.assertEqual((status, body), (206, big[-10:]))
        status, headers, _ = self.both("GET", "/big.bin", {"Range": "bytes=2000000-"})
        self.assertEqual((status, headers["content-range"]), (416, "bytes */1048576"))
        self.assertEqual(self.both("GET", "/big.bin", {"Range": "pages=1-2"})[0], 416)

    def test_conditional_requests(self):
        _, headers, _ = self.both("GET", "/notes.txt")
        etag, modified = headers["etag"], headers["last-modified"]
        self.assertEqual(self.both("GET", "/notes.txt", {"If-None-Match": etag})[0], 304)
        self.assertEqual(self.both("GET", "/notes.txt", {"If-None-Match": '"other"'})[0], 200)
        self.assertEqual(self.both("GET", "/notes.txt", {"If-Modified-Since": modified})[0], 304)
        self.assertEqual(self.both("GET", "/notes.txt", {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0], 200)
        self.assertEqual(self.both("GET", "/notes.txt", {"If-Match": '"other"'})[0], 412)
        status, _, body = self.both("GET", "/notes.txt", {"Range": "bytes=0-4", "If-Range": etag})
        self.assertEqual((status, body), (206, b"plain"))
        status, _, body = self.both("GET", "/notes.txt", {"Range": "bytes=0-4", "If-Range": '"stale"'})
        self.assertEqual((status, body), (200, b"plain notes\n"))

    def test_precompressed_sidecars_follow_accept_encoding(self):
        status, headers, body = self.both("GET", "/style.css", {"Accept-Encoding": "gzip"})
        self.assertEqual((status, headers["content-encoding"], headers["vary"]), (200, "gzip", "Accept-Encoding"))
        self.assertEqual(gzip.decompress(body), self.files["style.css"])
        self.assertEqual(headers["content-type"], "text/css; charset=utf-8")
        _, headers, _ = self.both("GET", "/style.css", {"Accept-Encoding": "gzip, zstd"})
        self.assertEqual(headers["content-encoding"], "zstd")  # the server's order breaks the tie
        _, headers, _ = self.both("GET", "/style.css", {"Accept-Encoding": "gzip;q=1, zstd;q=0.5"})
        self.assertEqual(headers["content-encoding"], "gzip")
        status, headers, body = self.both("GET", "/style.css")
        self.assertEqual((status, headers.get("content-encoding"), body), (200, None, self.files["style.css"]))
        _, headers, _ = self.both("GET", "/style.css", {"Accept-Encoding": "gzip"})
        self.assertEqual(self.both("GET", "/style.css", {"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]})[0], 304)

    def test_missing_and_hidden_files_are_not_found(self):
        self.assertEqual(self.both("GET", "/missing.txt")[0], 404)
        self.assertEqual(self.both("GET", "/secret.txt")[0], 404)
        self.assertEqual(self.both("GET", "/plain/secret.txt")[0], 404)

    def test_paths_cannot_climb_out_of_the_root(self):
        # A dot segment that climbs above the root is refused before routing (400, as nginx; Caddy's
        # file server answers 404); one hidden inside an escaped slash reaches the file server, which
        # keeps it inside the root as Caddy does.
        for target in ("/../outside.txt", "/%2e%2e/outside.txt", "/sub/../../outside.txt"):
            for name, port in self.ports.items():
                status, _, body = request(port, "GET", target)
                self.assertEqual(status, 400 if name == "proxflow" else 404, f"{name} GET {target}")
                self.assertNotIn(b"outside the root", body)
        for target in ("/..%2foutside.txt", "/%2e%2e%2f%2e%2e%2foutside.txt"):
            status, _, body = self.both("GET", target)
            self.assertEqual(status, 404, target)
            self.assertNotIn(b"outside the root", body)

    def test_unicode_names_are_served(self):
        target = "/" + "".join(c if c.isascii() and c.isalnum() or c in "._-" else "".join(f"%{b:02X}" for b in c.encode())
                               for c in UNICODE_NAME)
        status, _, body = self.both("GET", target)
        self.assertEqual((status, body), (200, "unicode ✓\n".encode()))

    def test_browse_lists_the_directory_without_hidden_entries(self):
        status, headers, body = self.both("GET", "/plain/", {"Accept": "application/json"})
        self.assertEqual((status, headers["content-type"]), (200, "application/json; charset=utf-8"))
        names = [item["name"] for item in json.loads(body)]
        self.assertEqual(names, ["nested/", "a.txt", "B.json"])
        for name, port in self.ports.items():
            status, headers, body = request(port, "GET", "/plain/")
            self.assertEqual((status, headers["content-type"]), (200, "text/html; charset=utf-8"), name)
            for entry in (b"nested/", b"a.txt", b"B.json"):
                self.assertIn(entry, body, name)
            self.assertNotIn(b"secret.txt", body, name)

    def test_other_methods_are_answered_as_caddy_does(self):
        self.both("POST", "/notes.txt")
        self.both("DELETE", "/notes.txt")


def try_files_caddyfile(port, root):
    return site(port, root, """	@static file {
		try_files {path} {path}.txt
		split_path .php
	}
	header @static X-File "{http.matchers.file.type} {http.matchers.file.relative} [{http.matchers.file.remainder}]"
	handle /app/* {
		try_files {path} /app/index.html
		file_server
	}
	handle /php/* {
		try_files {path} {path}/ /php/index.php?{query}
		respond "uri={uri} file={http.matchers.file.relative} type={http.matchers.file.type}"
	}
	handle /strict/* {
		try_files {path} =404
		file_server
	}
	handle /biggest/* {
		try_files /sub/index.html /notes.txt /style.css {
			policy largest_size
		}
		respond "{http.matchers.file.relative}"
	}
	handle {
		file_server
	}
""")


class TryFilesAgainstCaddy(AgainstCaddy):
    """The `file` matcher and try_files: rewrites to the file that exists, as Caddy 2.6.2 does."""
    caddyfile = staticmethod(try_files_caddyfile)

    def make_tree(self, root):
        super().make_tree(root)
        for name, data in {"app/index.html": b"<h1>spa</h1>\n", "app/main.js": b"js()\n", "php/index.php": b"<?php\n",
                           "php/real.txt": b"real\n", "php/dir/x": b"x\n", "strict/here.txt": b"here\n",
                           "run.php": b"php\n"}.items():
            path = os.path.join(root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)

    def test_a_single_page_app_falls_back_to_its_index(self):
        self.assertEqual(self.both("GET", "/app/main.js")[2], b"js()\n")
        self.assertEqual(self.both("GET", "/app/some/client/route")[2], b"<h1>spa</h1>\n")
        self.assertEqual(self.both("GET", "/app/")[2], b"<h1>spa</h1>\n")
        self.assertEqual(self.both("GET", "/app/missing.js?v=2")[2], b"<h1>spa</h1>\n")

    def test_a_front_controller_gets_the_query_and_files_and_directories_win_first(self):
        # The group's later matchers still run after the first rewrite (Caddy's wrapRoute matches before
        # it checks the group), so {http.matchers.file.*} name the front controller every time.
        status, _, body = self.both("GET", "/php/real.txt?a=1")
        self.assertEqual((status, body), (200, b"uri=/php/real.txt?a=1 file=/php/index.php type=file"))
        status, _, body = self.both("GET", "/php/dir")
        self.assertEqual((status, body), (200, b"uri=/php/dir/ file=/php/index.php type=file"))
        status, _, body = self.both("GET", "/php/no/such?x=1&y=2")
        self.assertEqual((status, body), (200, b"uri=/php/index.php?x=1&y=2 file=/php/index.php type=file"))

    def test_an_equals_status_ends_the_request_when_no_file_exists(self):
        status, _, body = self.both("GET", "/strict/here.txt")
        self.assertEqual((status, body), (200, b"here\n"))
        status, _, body = self.both("GET", "/strict/gone.txt")
        self.assertEqual((status, body), (404, b""))

    def test_largest_size_picks_the_biggest_existing_file(self):
        self.assertEqual(self.both("GET", "/biggest/")[2], b"/style.css")

    def test_a_named_file_matcher_sets_its_placeholders_for_later_handlers(self):
        for target, expected in (("/notes.txt", "file /notes.txt []"), ("/notes", "file /notes.txt []"),
                                 ("/run.php/extra/path", "file /run.php [/extra/path]"), ("/nothing-here", None)):
            answers = {name: request(port, "GET", target) for name, port in self.ports.items()}
            self.assertEqual(answers["proxflow"][1].get("x-file"), answers["caddy"][1].get("x-file"), target)
            self.assertEqual(answers["proxflow"][1].get("x-file"), expected, target)


if __name__ == "__main__":
    unittest.main()
