#!/bin/sh
# A proxy-bench candidate whose reverse_proxy has the circuit breaker and the adaptive policy (defaults,
# update_interval 1s), neither ever tripped by the benchmark's healthy backend, on the ports of the
# Caddyfile proxy-bench hands the candidate. Usage: resilience-candidate.sh BINARY {caddyfile}
binary="$1" f="$2"
out="$(dirname "$f")/resilience.caddyfile"
sed 's|^\(\s*\)\(reverse_proxy [^ {]*\)$|\1\2 {\n\1\tcircuit_breaker intelligent\n\1\tlb_policy adaptive {\n\1\t\tupdate_interval 1s\n\1\t}\n\1}|' "$f" > "$out"
exec "$binary" run --config "$out" --adapter caddyfile
