#pragma once
#include "config/object_reader.hpp"
#include "http/beast.hpp"
#include "routing/placeholder.hpp"

#include <optional>
#include <regex>
#include <vector>

namespace proxflow {

struct RequestContext;

// Caddy's header operations: add, set, delete (with * wildcards), replace (substring or regexp).
class HeaderOps {
public:
    static HeaderOps from_json(const json& value, const std::string& path);
    void apply(http::fields& fields, const RequestContext& ctx) const;
    bool empty() const { return add_.empty() && set_.empty() && delete_.empty() && replace_.empty(); }

    // Response-only: apply when the status matches `require.status_code` (e.g. 5 means 5xx).
    std::vector<int> require_status;
    bool applies_to_status(unsigned status) const;

private:
    struct Replacement {
        std::string search;
        std::optional<std::regex> search_regexp;
        Template replace;
    };
    std::vector<std::pair<std::string, std::vector<Template>>> add_, set_;
    std::vector<std::string> delete_;
    std::vector<std::pair<std::string, std::vector<Replacement>>> replace_;
};

} // namespace proxflow
