"""One runner per proxy under test: each starts the proxy on a free port in front of the recording
backend, with the same routes and the same limits, and returns the port once a real request is served.

Routes, the same in all three: Host elsewhere.example gets 421 and paths under /blocked/ get 403 from the
proxy itself; everything else goes to the backend. Limits, the same in all three: 2 s to read a head,
2 s of silence while reading a body, 2 s idle between keep-alive requests, bodies up to 1 MiB (nginx's
default client_max_body_size). Everything else is each proxy's default.
"""
import os

import harness
from harness import free_port, http, proxy_config, reverse_proxy, wait_until

TIMEOUT = "2s"
MAX_BODY = 1024 * 1024


def start_proxflow(tc, backend_port):
    port = free_port()
    refuse = [{"match": [{"host": ["elsewhere.example"]}], "handle": [{"handler": "static_response", "status_code": 421}],
               "terminal": True},
              {"match": [{"path": ["/blocked/*"]}], "handle": [{"handler": "static_response", "status_code": 403}],
               "terminal": True}]
    proxy = {"handle": [{"handler": "request_body", "max_size": MAX_BODY}, reverse_proxy(backend_port)]}
    # The host matcher alone would turn on automatic HTTPS for elsewhere.example.
    tc.start_proxflow(proxy_config(port, None, routes=refuse + [proxy], server_extra={
        "read_header_timeout": TIMEOUT, "read_timeout": TIMEOUT, "idle_timeout": TIMEOUT,
        "automatic_https": {"disable": True}}), wait_port=port)
    return served(port)


def start_nginx(tc, backend_port):
    port = free_port()
    # proxy_set_header Host $host passes the client's Host on, as ProxFlow and HAProxy do (nginx's own
    # default sends the upstream's address); for an absolute-form target $host is the target's authority.
    harness.start_nginx_with(tc.procs, harness.nginx_prefix(tc.tmp), port, f"""
  client_header_timeout {TIMEOUT}; client_body_timeout {TIMEOUT}; keepalive_timeout {TIMEOUT};
  client_max_body_size {MAX_BODY};
  server {{
    listen 127.0.0.1:{port} default_server;
    location /blocked/ {{ return 403; }}
    location / {{ proxy_pass http://127.0.0.1:{backend_port}; proxy_set_header Host $host; }}
  }}
  server {{ listen 127.0.0.1:{port}; server_name elsewhere.example; return 421; }}""")
    return served(port)


def start_haproxy(tc, backend_port):
    port = free_port()
    path = os.path.join(tc.tmp, f"haproxy-{port}.cfg")
    with open(path, "w") as f:
        f.write(f"""
global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client {TIMEOUT}
  timeout server 10s
  timeout http-request {TIMEOUT}
  timeout http-keep-alive {TIMEOUT}
frontend web
  bind 127.0.0.1:{port}
  http-request return status 421 if {{ req.hdr(host) -i elsewhere.example }}
  http-request return status 403 if {{ path_beg /blocked/ }}
  http-request deny deny_status 413 if {{ req.hdr_val(content-length) gt {MAX_BODY} }}
  default_backend recording
backend recording
  server recording 127.0.0.1:{backend_port}
""")
    tc.procs.start(f"haproxy-{port}", ["haproxy", "-db", "-f", path])
    return served(port)


def served(port):
    wait_until(lambda: http("GET", f"http://127.0.0.1:{port}/ready")[0] == 200, what=f"a proxy on {port}")
    return port


PEERS = (("ProxFlow", start_proxflow), ("nginx", start_nginx), ("HAProxy", start_haproxy))
