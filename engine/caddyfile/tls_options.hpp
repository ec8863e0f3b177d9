#pragma once
#include "caddyfile/dispenser.hpp"
#include "caddyfile/options.hpp"

#include <string>

namespace proxflow::caddyfile {

// Reads the global option `name` (the dispenser at its name) into tls when it is one of the
// certificate options; false when it is not one of them.
bool parse_tls_option(const std::string& name, Dispenser& d, TlsOptions& tls);

} // namespace proxflow::caddyfile
