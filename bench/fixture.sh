# What the shell benchmarks share, sourced as `. bench/fixture.sh NAME`: a work directory
# /tmp/proxflow-NAME-*, the processes they start (appended to `pids`, stopped by PID and the
# directory removed on exit), ports from base_port up (below the kernel's ephemeral range), nginx
# configs, proxy-bench's Caddyfile and a wait for a port to answer.
work=$(mktemp -d "/tmp/proxflow-$1-XXXXXX")
base_port=$((20000 + RANDOM % 10000))
pids=()
stop_all() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap stop_all EXIT

temps="client_body_temp_path $work/cb; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;"
user=$([ "$(id -u)" = 0 ] && echo "user root;" || true)
nginx_conf() { # NAME PID_FILE HTTP_BLOCK: writes $work/NAME.conf, two workers
    printf '%s daemon off; worker_processes 2; pid %s; error_log %s/%s.err warn;\nevents { worker_connections 4096; }\nhttp { access_log off; keepalive_requests 1000000; %s %s }\n' \
        "$user" "$2" "$work" "$1" "$temps" "$3" > "$work/$1.conf"
}
proxy_caddyfile() { # PORT UPSTREAM_PORT: writes $work/Caddyfile, the one proxy-bench gives Caddy and ProxFlow
    printf '{\n\tadmin off\n\tauto_https off\n}\nhttp://127.0.0.1:%s {\n\tbind 127.0.0.1\n\treverse_proxy 127.0.0.1:%s\n}\n' "$1" "$2" > "$work/Caddyfile"
}
wait_port() { for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/" -o /dev/null && return 0; sleep 0.1; done; echo "port $1 not answering" >&2; exit 1; }
