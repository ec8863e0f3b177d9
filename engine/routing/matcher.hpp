#pragma once
#include "config/object_reader.hpp"

#include <memory>
#include <vector>

namespace proxflow {

struct RequestContext;

class Matcher {
public:
    virtual ~Matcher() = default;
    virtual bool match(const RequestContext& ctx) const = 0;
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
