#include "module/module.hpp"
#include "modules/php_fastcgi/caddyfile.hpp"

namespace proxflow {

// A directive only: it expands into file matchers, a redirect, a rewrite and a reverse_proxy with the
// fastcgi transport, which reverse_proxy's config reads and the engine refuses at run.
ModuleDescriptor php_fastcgi_module() {
    return {.handler = "",
            .directives = {{.name = "php_fastcgi", .parse = php_fastcgi::parse_php_fastcgi}},
            .route_exporters = {php_fastcgi::write_php_fastcgi}};
}

} // namespace proxflow
