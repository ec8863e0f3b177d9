#pragma once
// The config every input is served with: one listener, three sites and routes that reach each
// handler the request path can run (matchers, rewrites, bodies, encoding, proxying, files), so the
// fuzzer's bytes decide which of them run. {$FUZZ_*} are filled in by the harness at start-up.
// Caddy's directive order puts `respond` before `reverse_proxy`: what must win over a site's
// catch-all `respond` sits in a `handle`.
#include <string_view>

namespace fuzz {

inline constexpr std::string_view sites_caddyfile = R"(
{
	admin off
	auto_https off
	servers {
		max_header_size 4kb
	}
}

http://static.example {
	header X-Site static
	header -Server
	respond /ok "ok" 200
	respond /bye 204 {
		close
	}
	abort /abort
	redir /old /new{uri} 301
	@q query q=*
	respond @q "q={query.q}" 200
	respond "static {path} {header.User-Agent}" 200
}

http://api.example, http://*.api.example {
	@post method POST PUT PATCH
	@json header Content-Type application/json*
	@ver path_regexp ver ^/v([0-9]+)/(.*)$
	@delete {
		method DELETE
		not header X-Keep *
	}
	@token header_regexp tok Authorization ^Bearer\s+(\S+)$
	request_body @post {
		max_size 64KB
	}
	map {path} {backend} {
		~^/v1/ v1
		/health healthy
		default other
	}
	vars site api
	rewrite @ver /{re.ver.2}?v={re.ver.1}
	uri strip_prefix /api
	header @json X-Json yes
	encode gzip zstd {
		minimum_length 16
	}
	handle @delete {
		respond "gone {path}" 410
	}
	handle @token {
		respond "token {re.tok.1}" 401
	}
	handle /echo* {
		reverse_proxy 127.0.0.1:{$FUZZ_UPSTREAM_PORT} {
			header_up X-Backend {backend}
			header_down -X-Upstream
		}
	}
	handle /dead* {
		reverse_proxy 127.0.0.1:{$FUZZ_DEAD_PORT}
	}
	handle_path /files/* {
		root * {$FUZZ_ROOT}
		file_server
	}
	handle {
		respond "api {vars.site} {backend} {method} {uri} {remote_host}" 200
	}
}

http:// {
	@upgrade header Connection *Upgrade*
	handle @upgrade {
		reverse_proxy 127.0.0.1:{$FUZZ_UPSTREAM_PORT}
	}
	route /proxy/* {
		uri strip_prefix /proxy
		reverse_proxy 127.0.0.1:{$FUZZ_UPSTREAM_PORT} {
			flush_interval -1
		}
	}
	@local remote_ip 127.0.0.0/8
	header @local X-Local yes
	respond "default {host} {http.request.orig_uri}" 200
}
)";

} // namespace fuzz
