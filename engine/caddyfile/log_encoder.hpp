#pragma once
#include "caddyfile/dispenser.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace proxflow::caddyfile {

// A log's `format NAME ...` as Caddy 2.6's encoder modules read it: json and console with their
// key options, and filter (wrap + per-field filters). d is at NAME; its segment is taken.
nlohmann::json parse_log_encoder(Dispenser& d);
// Export: the `format ...` lines of an encoder; ExportError at path for what has no Caddyfile form.
std::vector<std::string> log_encoder_lines(const nlohmann::json& encoder, const std::string& path);

} // namespace proxflow::caddyfile
