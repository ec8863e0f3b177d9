#include "module/module.hpp"
#include "modules/file_server/caddyfile.hpp"
#include "modules/file_server/file_matcher.hpp"
#include "modules/file_server/file_server.hpp"

namespace proxflow {

ModuleDescriptor file_server_module() {
    return {.handler = "file_server",
            .build = make_file_server,
            .directives = file_server::directives(),
            .exporters = file_server::exporters(),
            .route_exporters = {file_server::write_try_files},
            .matchers = {{.name = "file",
                          .build = file_server::make_file_matcher,
                          .parse = file_server::parse_file_matcher,
                          .write = file_server::write_file_matcher}},
            .console = {.label = "File server",
                        .default_json = {{"root", "/var/www/html"}},
                        .choices = {{"precompressed", {"br", "gzip", "zstd"}}}}};
}

} // namespace proxflow
