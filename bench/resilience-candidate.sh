#!/bin/sh
# A proxy-bench candidate: ProxFlow with the circuit breaker and the adaptive policy on its one
# upstream (a breaker that never opens: the backend does not fail), on the ports of the Caddyfile
# proxy-bench hands the candidate. Usage: resilience-candidate.sh BINARY {caddyfile}
binary="$1" f="$2"
dir=$(dirname "$f")
sed 's|^\(\s*\)\(reverse_proxy [^{]*\)$|\1\2 {\n\1\tcircuit_breaker intelligent\n\1\tlb_policy adaptive {\n\1\t\tupdate_interval 1s\n\1\t}\n\1}|' "$f" > "$dir/resilient.caddyfile"
exec "$binary" run --config "$dir/resilient.caddyfile" --adapter caddyfile
