#pragma once
// The modules compiled into ProxFlow, one line each (as Caddy's imports.go): a module named `x`
// defines `ModuleDescriptor x_module()` (copy_response's folder holds copy_response_headers too).
// Order matters only for exporters of the same handler: the first whose shape matches writes it, so
// the narrower goes first (forward_auth before reverse_proxy; file_server's `root` before vars).
#define PROXFLOW_MODULES(X)  \
    X(static_response)       \
    X(headers)               \
    X(rewrite)               \
    X(file_server)           \
    X(vars)                  \
    X(subroute)              \
    X(forward_auth)          \
    X(php_fastcgi)           \
    X(reverse_proxy)         \
    X(copy_response)         \
    X(copy_response_headers) \
    X(traffic_dashboard)     \
    X(encode)                \
    X(map)                   \
    X(request_body)          \
    X(metrics)               \
    X(error)                 \
    X(traffic_metrics)       \
    X(authentication)        \
    X(templates)             \
    X(push)                  \
    X(acme_server)            \
    X(rate_limit)
