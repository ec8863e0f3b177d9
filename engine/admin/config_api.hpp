#pragma once
#include "config/object_reader.hpp"

#include <string>

namespace proxflow {

// The result of an admin API call: status and JSON body (null body means an empty 200).
struct AdminReply {
    unsigned status = 200;
    json body;
};

// Applies a /config/[path] request to a copy of config. path is what follows "/config" ("" or
// "/apps/http/..."); array elements are addressed by index. On success `changed` holds the new
// config for the caller to load; GET only fills the reply.
AdminReply apply_config_request(const std::string& method, const std::string& path, const std::string& body,
                                const json& config, json& changed);

} // namespace proxflow
