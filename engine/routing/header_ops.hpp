#pragma once
#include "config/object_reader.hpp"
#include "http/beast.hpp"
#include "routing/matcher.hpp"
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
    // The response form (headers' `response`, reverse_proxy's `headers.response`): the operations
    // plus `require` (status codes, header fields) and `deferred`, which every response op already is.
    static HeaderOps from_response_json(const json& value, const std::string& path);
    void apply(http::fields& fields, const RequestContext& ctx) const;
    bool empty() const { return add_.empty() && set_.empty() && delete_.empty() && replace_.empty(); }

    // Response-only: whether `require` lets these ops apply to this response header.
    bool applies_to(const http::response_header<>& header, const RequestContext& ctx) const;

private:
    std::vector<int> require_status_;         // 5 means 5xx
    std::optional<HeaderRules> require_fields_; // a null value: the field must be absent
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
