"""Decides whether an observation is one of the outcomes a case accepts; says why not otherwise."""
import re

from robustness.cases import Answered


def verdict(case, obs):
    """(passed, why): passed when the proxy still serves a fresh request and one accepted outcome matches."""
    if not obs.follow_up_served:
        return False, f"a fresh request afterwards got {summary(obs.follow_up)}"
    misses = [miss(outcome, case, obs) for outcome in case.accept]
    if None in misses:
        return True, ""
    return False, misses[0] if len(set(misses)) == 1 else " | ".join(misses)


def miss(outcome, case, obs):
    """None when obs is this outcome, else what differs."""
    check = answered_miss if isinstance(outcome, Answered) else forwarded_miss
    return check(outcome, case, obs)


def answered_miss(outcome, case, obs):
    got, stray = obs.statuses, [str(s) for s in obs.upstream]
    saw = f", the backend saw {stray}" if stray else ""
    if not got and None not in outcome.statuses:
        return ("closed without a response" if obs.closed else "no response") + saw
    if got and (len(got) > 1 or got[0] not in outcome.statuses):
        return f"answered {got}{saw}"
    if (outcome.close or case.within) and not obs.closed:
        for_how_long = f" for {case.within:g} s" if case.within else ""
        return f"answered {got or 'nothing'} but the connection stayed open{for_how_long}"
    if stray and not (outcome.partial and stray == [own_request(obs.sent)]):
        return f"answered {got or 'nothing'}{saw}"
    return None


def forwarded_miss(outcome, case, obs):
    got = obs.statuses
    stray = [str(s) for s in obs.upstream]
    want = [f"{r.method} {r.target}" for r in outcome.requests]
    if stray != want:
        return f"answered {got}, the backend saw {stray}"
    for request, seen in zip(outcome.requests, obs.upstream):
        if problem := request_miss(request, seen):
            return problem
    if got != list(outcome.statuses):
        return f"answered {got}"
    if outcome.close and not obs.closed:
        return "the connection stayed open"
    return None


def request_miss(want, seen):
    if seen.body != want.body:
        return f"the backend got {seen} with body {seen.body!r}"
    for name, pattern in want.headers.items():
        values = [v for n, v in seen.headers if n == name]
        if len(values) != 1 or not re.fullmatch(pattern, values[0]):
            return f"the backend got {seen} with {name}: {values}"
    for name in want.absent:
        if any(n == name for n, _ in seen.headers):
            return f"the backend got {seen} with {name}"
    return None


def own_request(sent):
    """"METHOD TARGET" of the request line the case sends, as the backend would log it."""
    method, target = (sent.split(b"\r\n", 1)[0].split(b" ") + [b"", b""])[:2]
    return f"{method.decode('latin-1')} {target.decode('latin-1')}"


def summary(received):
    """The status lines of what came back, or how the connection ended."""
    lines = [line.decode("latin-1") for line in received.split(b"\r\n") if line.startswith(b"HTTP/1.")]
    return ", ".join(lines) if lines else ("nothing" if not received else repr(received[:80]))
