#!/bin/sh
# proxy-bench candidate with traffic metrics off: the bench's Caddyfile ($1) with `traffic_metrics off`
# added to its global options block. PROXFLOW: the binary (default build/app/proxflow).
sed '1a\	traffic_metrics off' "$1" > "$1.off"
exec "${PROXFLOW:-build/app/proxflow}" run --config "$1.off" --adapter caddyfile
