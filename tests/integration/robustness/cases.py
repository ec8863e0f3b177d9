"""The table of cases: what is sent, the RFC 9110/9112 rule it checks, and which outcomes that rule accepts.

Every proxy runs in front of a recording backend (backends/recording.py); an outcome names both what the
client gets and exactly which requests the backend may see, so a smuggled or extra request fails the case.
Hosts are "t" unless a case is about Host; the proxies answer Host elsewhere.example with 421 and paths
under /blocked/ with 403 themselves (peers.py), so routing on the wrong authority or on a path that is not
normalised shows up as a request at the backend.

Levels: MUST and SHOULD and MAY are the RFC's; HARDENING is no RFC requirement but a defence every
proxy is expected to have (timeouts, floods, TRACE).
"""
from dataclasses import dataclass, field

MUST, SHOULD, MAY, HARDENING = "MUST", "SHOULD", "MAY", "hardening"


@dataclass(frozen=True)
class Upstream:
    """One request as the backend must see it: method, target exactly, the decoded body, header fields
    that must appear exactly once with a value matching a regular expression, and fields that must not."""
    method: str
    target: str
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    absent: tuple = ()


CLIENT_ERROR = tuple(range(400, 500))


@dataclass(frozen=True)
class Answered:
    """The proxy answers by itself with one of statuses (None: a close without any response), then closes
    when close is set; nothing reaches the backend, except (when partial) the case's own request, cut off."""
    statuses: tuple
    close: bool = True
    partial: bool = False

    def __str__(self):
        codes = "/".join("close" if s is None else str(s) for s in self.statuses)
        if self.statuses == CLIENT_ERROR:
            codes = "any 4xx"
        return codes + (" and close" if self.close and None not in self.statuses else "") + \
            (" (request may reach the backend cut off)" if self.partial else "")


@dataclass(frozen=True)
class Forwarded:
    """The backend sees exactly these requests and the client gets exactly these statuses, then a close when
    close is set."""
    requests: tuple
    statuses: tuple = (200,)
    close: bool = False

    def __str__(self):
        seen = ", ".join(f"{r.method} {r.target}" for r in self.requests)
        return f"forwarded as {seen}" + (" then close" if self.close else "")


@dataclass(frozen=True)
class Case:
    name: str
    rule: str          # the section and the gist of its requirement
    level: str
    send: bytes = b""  # "{backend}" in it becomes the backend's port
    accept: tuple = ()
    play: str = "exchange"  # how play.py sends it: exchange, header_drip, wait, flood
    within: float = 0  # for the slow plays: the connection must be settled within this many seconds

    def accepted(self):
        return " or ".join(str(a) for a in self.accept)


HOST = b"Host: t"
SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n"
REJECT = Answered((400,))
BLOCKED = Answered((403, 400), close=False)  # the local /blocked/ route, or a refusal of the path
REFUSED_METHOD = Answered((400, 403, 405, 501), close=False)
ANSWERED_BY_PROXY = Answered((200, 204, 400, 403, 405, 501), close=False)
LONG = 1536 * 1024  # over every proxy's default head limit (ProxFlow 1 MiB, nginx 8 KiB a line, HAProxy 16 KiB)


def get(path, *fields, version=b"HTTP/1.1"):
    return b"GET " + path + b" " + version + b"\r\n" + b"".join(f + b"\r\n" for f in fields) + b"\r\n"


def post(path, *fields, body=b""):
    return b"POST " + path + b" HTTP/1.1\r\n" + b"".join(f + b"\r\n" for f in (HOST,) + fields) + b"\r\n" + body


CASES = (
    # --- request line (RFC 9112 §2, §3) -------------------------------------------------------------
    Case("request-line-garbage", "RFC 9112 §3: an invalid request-line SHOULD get 400 (or 301)", SHOULD,
         b"GARBAGE\r\n\r\n", (REJECT,)),
    Case("request-line-bad-version", "RFC 9112 §2.3: HTTP-version is HTTP/DIGIT.DIGIT; invalid request-line SHOULD get 400",
         SHOULD, get(b"/v", HOST, version=b"HTTP/1.Q"), (Answered((400, 505)),)),
    Case("request-line-space-in-target", "RFC 9112 §3.2: no whitespace in request-target; §3 SHOULD 400", SHOULD,
         get(b"/a b", HOST), (REJECT,)),
    Case("request-line-bad-method-token", "RFC 9110 §9.1: method is a token; RFC 9112 §3 SHOULD 400", SHOULD,
         b"G(T /m HTTP/1.1\r\nHost: t\r\n\r\n", (REJECT,)),
    Case("request-line-leading-crlf", "RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the "
         "request-line",
         SHOULD, b"\r\n" + get(b"/lead", HOST), (Forwarded((Upstream("GET", "/lead"),)),)),
    Case("request-line-too-long", "RFC 9112 §3: a request-target longer than the server wishes to parse MUST get 414",
         MUST, get(b"/" + b"a" * LONG, HOST), (Answered((414,)),)),
    Case("pipelined-requests-in-order", "RFC 9112 §9.3.2: responses to pipelined requests MUST come in request order",
         MUST, get(b"/one", HOST) + get(b"/two", HOST, b"Connection: close"),
         (Forwarded((Upstream("GET", "/one"), Upstream("GET", "/two")), statuses=(200, 200), close=True),)),

    # --- header fields (RFC 9112 §2.2, §3.2, §5; RFC 9110 §5) -----------------------------------------
    Case("host-missing", "RFC 9112 §3.2: an HTTP/1.1 request without Host MUST get 400", MUST,
         get(b"/nohost"), (REJECT,)),
    Case("host-twice", "RFC 9112 §3.2: more than one Host MUST get 400", MUST,
         get(b"/twohosts", b"Host: a.example", b"Host: b.example"), (REJECT,)),
    Case("host-invalid", "RFC 9112 §3.2: a Host with an invalid value MUST get 400", MUST,
         get(b"/badhost", b"Host: a/b"), (REJECT,)),
    Case("field-space-before-colon", "RFC 9112 §5.1: whitespace between field name and colon MUST get 400", MUST,
         get(b"/sbc", HOST, b"Content-Length : 5"), (REJECT,)),
    Case("field-obs-fold", "RFC 9112 §5.2: obs-fold MUST get 400 or be replaced by SP before forwarding", MUST,
         get(b"/fold", HOST, b"X-Folded: a", b" Content-Length: 35", b"Connection: close") + SMUGGLED,
         (REJECT, Forwarded((Upstream("GET", "/fold", headers={"x-folded": r"a +Content-Length: 35"}),), close=True))),
    Case("field-whitespace-before-first", "RFC 9112 §2.2: whitespace before the first field line MUST get 400 or "
         "that line ignored",
         MUST, b"GET /wsfirst HTTP/1.1\r\n X-Ignored: a\r\nHost: t\r\n\r\n",
         (REJECT, Forwarded((Upstream("GET", "/wsfirst", absent=("x-ignored",)),)))),
    Case("field-value-nul", "RFC 9110 §5.5: NUL in a field value MUST get rejected or replaced by SP", MUST,
         get(b"/nul", HOST, b"X-A: a\x00b"), (REJECT, Forwarded((Upstream("GET", "/nul", headers={"x-a": "a b"}),)))),
    Case("field-value-bare-cr", "RFC 9112 §2.2, RFC 9110 §5.5: a bare CR MUST get rejected or replaced by SP", MUST,
         get(b"/cr", HOST, b"X-A: a\rb"), (REJECT, Forwarded((Upstream("GET", "/cr", headers={"x-a": "a b"}),)))),
    Case("field-value-ctl", "RFC 9110 §5.5: other CTLs are invalid; a recipient MAY keep them", MAY,
         get(b"/ctl", HOST, b"X-A: a\x01b"), (REJECT, Forwarded((Upstream("GET", "/ctl"),)))),
    Case("bare-lf-line-endings", "RFC 9112 §2.2: a recipient MAY take a bare LF as a line end", MAY,
         b"GET /lf HTTP/1.1\nHost: t\n\n", (REJECT, Forwarded((Upstream("GET", "/lf"),)))),
    Case("field-line-too-long", "RFC 9110 §5.4: a field line larger than the server wishes to process MUST get a 4xx",
         MUST, get(b"/longfield", HOST, b"X-Long: " + b"a" * LONG), (Answered(CLIENT_ERROR),)),

    # --- framing (RFC 9112 §6, §7) -------------------------------------------------------------------
    Case("chunked-valid", "RFC 9112 §7.1: a chunked body is decoded and forwarded (the control case)", MUST,
         post(b"/chunked", b"Transfer-Encoding: chunked", body=b"5\r\nhello\r\n0\r\n\r\n"),
         (Forwarded((Upstream("POST", "/chunked", body=b"hello"),)),)),
    Case("content-length-on-get", "RFC 9112 §6.3: Content-Length frames a GET's body too; nothing in it is a request",
         MUST, get(b"/getbody", HOST, b"Content-Length: %d" % len(SMUGGLED)) + SMUGGLED,
         (REJECT, Forwarded((Upstream("GET", "/getbody", body=SMUGGLED),)))),
    Case("cl-and-te", "RFC 9112 §6.1, §6.3: with both, TE wins, CL is removed before forwarding, "
         "and the connection MUST close",
         MUST, post(b"/clte", b"Content-Length: 4", b"Transfer-Encoding: chunked", body=b"0\r\n\r\n" + SMUGGLED),
         (REJECT, Forwarded((Upstream("POST", "/clte"),), close=True))),
    Case("te-and-cl", "RFC 9112 §6.1, §6.3: the same with Transfer-Encoding first", MUST,
         post(b"/tecl", b"Transfer-Encoding: chunked", b"Content-Length: 40", body=b"0\r\n\r\n" + SMUGGLED),
         (REJECT, Forwarded((Upstream("POST", "/tecl"),), close=True))),
    Case("cl-duplicate-same", "RFC 9112 §6.3, RFC 9110 §8.6: identical Content-Lengths are merged into one before "
         "forwarding, or rejected", MUST,
         post(b"/dupcl", b"Content-Length: 5", b"Content-Length: 5", body=b"hello"),
         (REJECT, Forwarded((Upstream("POST", "/dupcl", body=b"hello", headers={"content-length": "5"}),)))),
    Case("cl-list-same", "RFC 9112 §6.3, RFC 9110 §8.6: a list of identical Content-Lengths is merged into one, or "
         "rejected", MUST,
         post(b"/clist", b"Content-Length: 5, 5", body=b"hello"),
         (REJECT, Forwarded((Upstream("POST", "/clist", body=b"hello", headers={"content-length": "5"}),)))),
    Case("cl-duplicate-different", "RFC 9112 §6.3: differing Content-Lengths: the server MUST answer 400 and close",
         MUST, post(b"/dupcl2", b"Content-Length: 5", b"Content-Length: 40", body=b"hello" + SMUGGLED), (REJECT,)),
    Case("cl-list-different", "RFC 9112 §6.3: a list of differing Content-Lengths MUST get 400 and close", MUST,
         post(b"/clist2", b"Content-Length: 5, 40", body=b"hello" + SMUGGLED), (REJECT,)),
    Case("cl-negative", "RFC 9112 §6.3: an invalid Content-Length (-1) MUST get 400 and close", MUST,
         post(b"/clneg", b"Content-Length: -1", body=SMUGGLED), (REJECT,)),
    Case("cl-plus-sign", "RFC 9112 §6.3: an invalid Content-Length (+5) MUST get 400 and close", MUST,
         post(b"/clplus", b"Content-Length: +5", body=b"hello" + SMUGGLED), (REJECT,)),
    Case("cl-overflow", "RFC 9110 §8.6: large numerals MUST not overflow (2^64+5 is not 5)", MUST,
         post(b"/clbig", b"Content-Length: 18446744073709551621", body=b"hello" + SMUGGLED),
         (Answered((400, 413)),)),
    Case("te-gzip", "RFC 9112 §6.3: chunked not the final coding: MUST 400 and close (§6.1: 501 for an unknown coding)",
         MUST, post(b"/tegzip", b"Transfer-Encoding: gzip", body=b"5\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
         (Answered((400, 501)),)),
    Case("te-chunked-then-gzip", "RFC 9112 §6.3: chunked not the final coding: MUST 400 and close", MUST,
         post(b"/techgz", b"Transfer-Encoding: chunked, gzip", body=b"5\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
         (Answered((400, 501)),)),
    Case("te-unknown-token", "RFC 9112 §6.3: an unknown coding (xchunked) is not chunked: MUST 400 and close", MUST,
         post(b"/texch", b"Transfer-Encoding: xchunked", body=b"5\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
         (Answered((400, 501)),)),
    Case("te-in-http-1-0", "RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 MUST be treated as faulty framing, then close",
         MUST, b"POST /te10 HTTP/1.0\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
         b"0\r\n\r\n" + SMUGGLED, (REJECT,)),
    Case("chunk-size-overflow", "RFC 9112 §7.1: chunk sizes MUST be parsed without overflow (2^64 is not 0)", MUST,
         post(b"/chbig", b"Transfer-Encoding: chunked", body=b"10000000000000000\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
         (Answered((400, 413), partial=True),)),
    Case("chunk-size-negative", "RFC 9112 §7.1: chunk-size is 1*HEXDIG; -1 is invalid framing: 400 before close", MUST,
         post(b"/chneg", b"Transfer-Encoding: chunked", body=b"-1\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
         (Answered((400,), partial=True),)),
    Case("chunk-size-not-hex", "RFC 9112 §7.1: chunk-size is 1*HEXDIG; zz is invalid framing: 400 before close", MUST,
         post(b"/chzz", b"Transfer-Encoding: chunked", body=b"zz\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
         (Answered((400,), partial=True),)),
    Case("chunk-missing-crlf", "RFC 9112 §7.1: chunk-data is followed by CRLF; without it the framing is invalid: 400",
         MUST, post(b"/chcrlf", b"Transfer-Encoding: chunked", body=b"5\r\nhelloXX0\r\n\r\n" + SMUGGLED),
         (Answered((400,), partial=True),)),

    # --- request targets (RFC 9112 §3.2, §3.3; RFC 3986 §5.2.4, §6.2.2) ------------------------------
    Case("absolute-form-host-differs", "RFC 9112 §3.2.2: absolute-form MUST be accepted, its authority replaces Host; "
         "§3.2.1: forwarded in origin-form", MUST, get(b"http://a.example/abs", b"Host: elsewhere.example"),
         (Forwarded((Upstream("GET", "/abs", headers={"host": r"a\.example(:80)?"}),)),)),
    Case("asterisk-form-get", "RFC 9112 §3.2.4: asterisk-form is only for OPTIONS; invalid request-line SHOULD get 400",
         SHOULD, get(b"*", HOST), (REJECT, Answered((400, 404, 405), close=False))),
    Case("asterisk-form-options", "RFC 9112 §3.2.4: OPTIONS * is answered or forwarded as OPTIONS *", MAY,
         b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n",
         (ANSWERED_BY_PROXY, Forwarded((Upstream("OPTIONS", "*"),)))),
    Case("dot-segments", "RFC 3986 §5.2.4, §6.2.2.3: /open/../blocked/x is /blocked/x; it must not pass "
         "the /blocked/ route",
         HARDENING, get(b"/open/../blocked/x", HOST), (BLOCKED,)),
    Case("dot-segments-encoded", "RFC 3986 §2.3, §6.2.2.2: %2e is '.', so /open/%2e%2e/blocked/x is /blocked/x", HARDENING,
         get(b"/open/%2e%2e/blocked/x", HOST), (BLOCKED,)),
    Case("dot-segments-above-root", "RFC 3986 §5.2.4: /../blocked/x is /blocked/x", HARDENING,
         get(b"/../blocked/x", HOST), (BLOCKED,)),
    Case("dot-segment-single", "RFC 3986 §5.2.4: /./blocked/x is /blocked/x", HARDENING,
         get(b"/./blocked/x", HOST), (BLOCKED,)),
    Case("double-slash", "RFC 3986 §3.3: //blocked/x is its own path: blocked, or forwarded unchanged", MAY,
         get(b"//blocked/x", HOST), (BLOCKED, Forwarded((Upstream("GET", "//blocked/x"),)))),
    Case("non-ascii-target", "RFC 9112 §3: a target with raw non-ASCII bytes is invalid: SHOULD 400 (or 301 to it encoded)",
         SHOULD, get("/caf\u00e9".encode(), HOST), (Answered((400, 301)),)),

    # --- methods (RFC 9110 §7.6.2, §9) ----------------------------------------------------------------
    Case("trace", "RFC 9110 §9.3.8: TRACE reflects credentials a client sent; a proxy refuses it (405)", HARDENING,
         b"TRACE /trace HTTP/1.1\r\nHost: t\r\nCookie: secret=1\r\n\r\n", (REFUSED_METHOD,)),
    Case("trace-max-forwards-0", "RFC 9110 §7.6.2: Max-Forwards 0 on TRACE: the intermediary MUST NOT forward, it answers",
         MUST, b"TRACE /trace0 HTTP/1.1\r\nHost: t\r\nMax-Forwards: 0\r\n\r\n", (ANSWERED_BY_PROXY,)),
    Case("options-max-forwards-0", "RFC 9110 §7.6.2: Max-Forwards 0 on OPTIONS: the intermediary MUST NOT "
         "forward, it answers",
         MUST, b"OPTIONS /opt0 HTTP/1.1\r\nHost: t\r\nMax-Forwards: 0\r\n\r\n", (ANSWERED_BY_PROXY,)),
    Case("options-max-forwards-decremented", "RFC 9110 §7.6.2: Max-Forwards 2 on OPTIONS MUST be forwarded as 1 "
         "(or answered)",
         MUST, b"OPTIONS /opt2 HTTP/1.1\r\nHost: t\r\nMax-Forwards: 2\r\n\r\n",
         (ANSWERED_BY_PROXY, Forwarded((Upstream("OPTIONS", "/opt2", headers={"max-forwards": "1"}),)))),
    Case("connect", "RFC 9110 §9.3.6: CONNECT asks a proxy for a tunnel; a reverse proxy refuses it, and never tunnels",
         HARDENING, b"CONNECT 127.0.0.1:{backend} HTTP/1.1\r\nHost: 127.0.0.1:{backend}\r\n\r\n" + SMUGGLED,
         (Answered((400, 403, 405, 501)),)),
    Case("unknown-method", "RFC 9110 §9.1: an unknown method is forwarded, or refused with 501", MAY,
         b"FROB /m HTTP/1.1\r\nHost: t\r\n\r\n", (Forwarded((Upstream("FROB", "/m"),)), Answered((405, 501), close=False))),

    # --- slow clients and floods (RFC 9112 §9.5: a server MAY close idle or slow connections) ---------
    Case("slow-header-drip", "RFC 9112 §9.5: a head sent one byte per 0.2 s is cut off by the header timeout (2 s)",
         HARDENING, get(b"/drip", HOST, b"X-Drip: " + b"d" * 60), (Answered((408, None)),), play="header_drip", within=6),
    Case("slow-huge-content-length", "RFC 9110 §15.5.14: a 1 GB Content-Length with no body: 413 at once, or a timeout",
         HARDENING, post(b"/huge", b"Content-Length: 1000000000"), (Answered((413, 408, 400, None), partial=True),),
         play="wait", within=6),
    Case("idle-keep-alive", "RFC 9112 §9.5: an idle keep-alive connection is closed by the idle timeout (2 s)",
         HARDENING, get(b"/idle", HOST), (Forwarded((Upstream("GET", "/idle"),), close=True),), play="wait", within=6),
    Case("connection-flood", "200 connections holding half a head: a fresh request is still answered within 3 s",
         HARDENING, get(b"/flood", HOST, b"Connection: close"), (Forwarded((Upstream("GET", "/flood"),)),),
         play="flood", within=3),
)
