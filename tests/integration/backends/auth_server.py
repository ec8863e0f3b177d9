"""A forward-auth server in the manner of Authelia: GET /verify decides on the client's credentials.

argv: PORT LOGFILE. For every request it appends one JSON line {method, uri, headers, body_length,
peer_port} (peer_port tells connections apart).
  Authorization: Bearer good   -> 200, Remote-User: alice, Remote-Groups: admins,dev, Remote-Email
  Authorization: Bearer expired-> 302 to the login page (Location), body "login first"
  anything else                -> 401, WWW-Authenticate: Bearer, body "denied: <X-Forwarded-Method> <X-Forwarded-Uri>"
"""
import json
import sys

from serving import Handler, LineLog, serve_http

log = LineLog(sys.argv[2])


class Auth(Handler):
    def handle_any(self):
        received = self.read_body()
        log.append(json.dumps({"method": self.command, "uri": self.path, "headers": dict(self.headers.items()),
                               "body_length": len(received), "peer_port": self.client_address[1]}) + "\n")
        auth = self.headers.get("Authorization", "")
        if auth == "Bearer good":
            self.answer(200, [("Remote-User", "alice"), ("Remote-Groups", "admins,dev"),
                              ("Remote-Email", "alice@example.test")], b"")
        elif auth == "Bearer expired":
            self.answer(302, [("Location", "https://login.example.test/?rd=x"), ("Content-Type", "text/plain")],
                        b"login first")
        else:
            what = f"denied: {self.headers.get('X-Forwarded-Method')} {self.headers.get('X-Forwarded-Uri')}"
            self.answer(401, [("WWW-Authenticate", "Bearer"), ("Content-Type", "text/plain")], what.encode())


serve_http(Auth, int(sys.argv[1]))
