#pragma once
#include "config/object_reader.hpp"
#include "http/beast.hpp"
#include "routing/placeholder.hpp"

#include <memory>
#include <vector>

namespace proxflow {

struct RequestContext;

class Matcher {
public:
    virtual ~Matcher() = default;
    virtual bool match(const RequestContext& ctx) const = 0;
};

// Caddy's header rules, {"Name": ["v1", "v*"]}: every named field must have a matching value; an
// empty list means the field must be present, null that it must be absent. Shared by the request
// `header` matcher (values may hold placeholders, rendered with ctx) and reverse_proxy's response
// matchers (ctx null: values are literal, as Caddy matches responses without a replacer).
class HeaderRules {
public:
    static HeaderRules from_json(const json& value, const std::string& path);
    bool match(const http::fields& fields, const RequestContext* ctx) const;

private:
    struct Rule {
        std::string name;
        std::vector<Template> values;
        bool must_be_absent;
    };
    std::vector<Rule> rules_;
};

// A JSON matcher set: every matcher in it must match (AND).
class MatcherSet {
public:
    static MatcherSet from_json(const json& value, const std::string& path);
    bool match(const RequestContext& ctx) const;

private:
    std::vector<std::unique_ptr<Matcher>> matchers_;
};

// A route's `match` list: any set may match (OR); an empty list matches everything.
class MatcherSets {
public:
    static MatcherSets from_json(const json& value, const std::string& path);
    bool match(const RequestContext& ctx) const;
    bool empty() const { return sets_.empty(); }

private:
    std::vector<MatcherSet> sets_;
};

} // namespace proxflow
