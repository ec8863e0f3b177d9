// The request matchers of Caddy's http app: host, path, path_regexp, method, header, header_regexp,
// query, remote_ip, protocol, vars and not.
#include "routing/matcher.hpp"

#include "config/ascii_lower.hpp"
#include "http/field_lookup.hpp"
#include "http/request_context.hpp"
#include "http/url_path.hpp"
// Matchers a module brings are found in the module registry, as route_list already finds handlers
// (build_handler): one lookup path, and no startup wiring a test or tool could forget to call.
#include "module/registry.hpp"
#include "routing/host_pattern.hpp"
#include "http/ip_range.hpp"
#include "routing/placeholder.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <regex>

namespace proxflow {
namespace {

std::string_view request_host(const RequestContext& ctx) { return host_without_port(field_value(ctx.request(), http::field::host)); }

// Caddy's glob for paths and header values: '*' matches any run of characters.
bool glob_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

class HostMatcher final : public Matcher {
public:
    explicit HostMatcher(std::vector<std::string> hosts) {
        for (auto& h : hosts) hosts_.push_back(ascii_lower(h));
    }
    bool match(const RequestContext& ctx) const override {
        const std::string_view host = request_host(ctx);
        for (const auto& pattern : hosts_)
            if (host_matches_pattern(host, pattern)) return true;
        return false;
    }

private:
    std::vector<std::string> hosts_;
};

// Caddy's path matcher compares a normalised path, so that "/%61dmin", "//admin" or "/x/../admin"
// cannot slip past a "/admin*" route (caddyserver/caddy#4407): the decoded path, lower-cased, without
// trailing dots and spaces (#2917), cleaned; doubled slashes are kept only for a pattern that has
// them, and a pattern with a '%' compares against the escaped path instead.
class PathMatcher final : public Matcher {
public:
    explicit PathMatcher(std::vector<std::string> paths) {
        for (auto& p : paths) paths_.push_back(ascii_lower(p));
    }
    bool match(const RequestContext& ctx) const override {
        const std::string_view escaped = path_of(ctx.request().target());
        std::string decoded = ascii_lower(unescape_path(escaped).value_or(std::string(escaped)));
        decoded.erase(decoded.find_last_not_of(". ") + 1);
        for (const auto& pattern : paths_) {
            if (pattern == "*") return true;
            const bool merge_slashes = pattern.find("//") == std::string::npos;
            const bool escaped_space = pattern.find('%') != std::string::npos;
            if (glob_match(pattern, clean_matched_path(escaped_space ? ascii_lower(escaped) : decoded, merge_slashes))) return true;
        }
        return false;
    }

private:
    std::vector<std::string> paths_;
};

// Caddy's path_regexp sees the decoded, cleaned path too (#4407).
class PathRegexpMatcher final : public Matcher {
public:
    PathRegexpMatcher(std::string name, const std::string& pattern, const std::string& path) : name_(std::move(name)) {
        try {
            regex_ = std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error& e) {
            throw ConfigError(path, std::string("invalid regular expression: ") + e.what());
        }
    }
    bool match(const RequestContext& ctx) const override {
        const std::string_view escaped = path_of(ctx.request().target());
        const std::string path = clean_matched_path(unescape_path(escaped).value_or(std::string(escaped)), true);
        return std::regex_search(path, regex_);
    }

private:
    std::string name_;
    std::regex regex_;
};

class MethodMatcher final : public Matcher {
public:
    explicit MethodMatcher(std::vector<std::string> methods) : methods_(std::move(methods)) {}
    bool match(const RequestContext& ctx) const override {
        const std::string_view method = ctx.request().method_string();
        return std::find(methods_.begin(), methods_.end(), method) != methods_.end();
    }

private:
    std::vector<std::string> methods_;
};

class HeaderMatcher final : public Matcher {
public:
    HeaderMatcher(const json& value, const std::string& path) : rules_(HeaderRules::from_json(value, path)) {}
    bool match(const RequestContext& ctx) const override { return rules_.match(ctx.request(), &ctx); }

private:
    HeaderRules rules_;
};

class HeaderRegexpMatcher final : public Matcher {
public:
    HeaderRegexpMatcher(const json& value, const std::string& path) {
        expect_object(value, path);
        for (auto it = value.begin(); it != value.end(); ++it) {
            ObjectReader r(it.value(), join_path(path, it.key()));
            r.string("name");
            try {
                rules_.push_back({it.key(), std::regex(r.string("pattern"))});
            } catch (const std::regex_error& e) {
                throw ConfigError(r.path_of("pattern"), std::string("invalid regular expression: ") + e.what());
            }
            r.finish();
        }
    }
    bool match(const RequestContext& ctx) const override {
        for (const auto& rule : rules_) {
            const std::string value(ctx.request()[rule.first]);
            if (!std::regex_search(value, rule.second)) return false;
        }
        return true;
    }

private:
    std::vector<std::pair<std::string, std::regex>> rules_;
};

// query: {"key": ["value", "*"]}
class QueryMatcher final : public Matcher {
public:
    QueryMatcher(const json& value, const std::string& path) {
        expect_object(value, path);
        for (auto it = value.begin(); it != value.end(); ++it) {
            const std::string p = join_path(path, it.key());
            expect_array(it.value(), p);
            std::vector<std::string> values;
            for (std::size_t i = 0; i < it.value().size(); ++i) {
                if (!it.value()[i].is_string()) throw ConfigError(index_path(p, i), "expected a string");
                values.push_back(it.value()[i].get<std::string>());
            }
            rules_.emplace_back(it.key(), std::move(values));
        }
    }
    bool match(const RequestContext& ctx) const override {
        const std::string_view target = ctx.request().target();
        const auto q = target.find('?');
        const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
        for (const auto& [key, values] : rules_) {
            bool any = false;
            std::size_t pos = 0;
            while (pos < query.size() && !any) {
                auto amp = query.find('&', pos);
                if (amp == std::string_view::npos) amp = query.size();
                const std::string_view pair = query.substr(pos, amp - pos);
                const auto eq = pair.find('=');
                if (pair.substr(0, eq) == key) {
                    const std::string_view v = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
                    for (const auto& want : values)
                        if (want == "*" || want == v) any = true;
                }
                pos = amp + 1;
            }
            if (!any) return false;
        }
        return true;
    }

private:
    std::vector<std::pair<std::string, std::vector<std::string>>> rules_;
};

class RemoteIpMatcher final : public Matcher {
public:
    RemoteIpMatcher(const json& value, const std::string& path) {
        ObjectReader r(value, path);
        const auto ranges = r.strings("ranges");
        for (std::size_t i = 0; i < ranges.size(); ++i)
            ranges_.push_back(IpRange::parse(ranges[i], index_path(r.path_of("ranges"), i)));
        r.boolean("forwarded");
        r.finish();
    }
    bool match(const RequestContext& ctx) const override {
        const auto addr = ctx.remote.address();
        return std::any_of(ranges_.begin(), ranges_.end(), [&](const IpRange& r) { return r.contains(addr); });
    }

private:
    std::vector<IpRange> ranges_;
};

class ProtocolMatcher final : public Matcher {
public:
    explicit ProtocolMatcher(std::string protocol) : protocol_(std::move(protocol)) {}
    bool match(const RequestContext& ctx) const override {
        // Caddy: "http" is a request without TLS, "https" one with it.
        if (protocol_ == "http") return ctx.scheme() == "http";
        if (protocol_ == "https") return ctx.scheme() == "https";
        if (protocol_ == "http/1.1") return ctx.request().version() == 11;
        if (protocol_ == "http/1.0") return ctx.request().version() == 10;
        return false;
    }

private:
    std::string protocol_;
};

class VarsMatcher final : public Matcher {
public:
    VarsMatcher(const json& value, const std::string& path) {
        expect_object(value, path);
        for (auto it = value.begin(); it != value.end(); ++it) {
            const std::string p = join_path(path, it.key());
            expect_array(it.value(), p);
            std::vector<std::string> values;
            for (const auto& v : it.value()) values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
            rules_.emplace_back(Template(it.key()), std::move(values));
        }
    }
    bool match(const RequestContext& ctx) const override {
        for (const auto& [key, values] : rules_) {
            std::string actual;
            const std::string& name = key.text();
            if (key.has_placeholders() && name.front() == '{' && name.back() == '}') actual = key.render(ctx);
            else if (const auto* v = ctx.var(name)) actual = *v;
            if (std::find(values.begin(), values.end(), actual) == values.end()) return false;
        }
        return true;
    }

private:
    std::vector<std::pair<Template, std::vector<std::string>>> rules_;
};

class NotMatcher final : public Matcher {
public:
    NotMatcher(const json& value, const std::string& path) : sets_(MatcherSets::from_json(value, path)) {}
    bool match(const RequestContext& ctx) const override { return !sets_.match(ctx); }

private:
    MatcherSets sets_;
};

std::vector<std::string> string_list(const json& value, const std::string& path) {
    expect_array(value, path);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string()) throw ConfigError(index_path(path, i), "expected a string");
        out.push_back(value[i].get<std::string>());
    }
    return out;
}

using MatcherFactory = std::function<std::unique_ptr<Matcher>(const json&, const std::string&)>;

const std::map<std::string, MatcherFactory, std::less<>>& matcher_registry() {
    static const std::map<std::string, MatcherFactory, std::less<>> registry{
        {"host", [](const json& v, const std::string& p) { return std::make_unique<HostMatcher>(string_list(v, p)); }},
        {"path", [](const json& v, const std::string& p) { return std::make_unique<PathMatcher>(string_list(v, p)); }},
        {"path_regexp",
         [](const json& v, const std::string& p) {
             ObjectReader r(v, p);
             auto name = r.string("name");
             auto pattern = r.string("pattern");
             r.finish();
             return std::make_unique<PathRegexpMatcher>(name, pattern, r.path_of("pattern"));
         }},
        {"method", [](const json& v, const std::string& p) { return std::make_unique<MethodMatcher>(string_list(v, p)); }},
        {"header", [](const json& v, const std::string& p) { return std::make_unique<HeaderMatcher>(v, p); }},
        {"header_regexp", [](const json& v, const std::string& p) { return std::make_unique<HeaderRegexpMatcher>(v, p); }},
        {"query", [](const json& v, const std::string& p) { return std::make_unique<QueryMatcher>(v, p); }},
        {"remote_ip", [](const json& v, const std::string& p) { return std::make_unique<RemoteIpMatcher>(v, p); }},
        {"protocol",
         [](const json& v, const std::string& p) {
             if (!v.is_string()) throw ConfigError(p, "expected a string");
             return std::make_unique<ProtocolMatcher>(v.get<std::string>());
         }},
        {"vars", [](const json& v, const std::string& p) { return std::make_unique<VarsMatcher>(v, p); }},
        {"not", [](const json& v, const std::string& p) { return std::make_unique<NotMatcher>(v, p); }},
    };
    return registry;
}

} // namespace

HeaderRules HeaderRules::from_json(const json& value, const std::string& path) {
    expect_object(value, path);
    HeaderRules rules;
    for (auto it = value.begin(); it != value.end(); ++it) {
        Rule rule{it.key(), {}, it.value().is_null()};
        if (!it.value().is_null()) {
            const std::string p = join_path(path, it.key());
            expect_array(it.value(), p);
            for (std::size_t i = 0; i < it.value().size(); ++i) {
                if (!it.value()[i].is_string()) throw ConfigError(index_path(p, i), "expected a string");
                rule.values.emplace_back(it.value()[i].get<std::string>());
            }
        }
        rules.rules_.push_back(std::move(rule));
    }
    return rules;
}

bool HeaderRules::match(const http::fields& fields, const RequestContext* ctx) const {
    for (const auto& rule : rules_) {
        auto range = fields.equal_range(rule.name);
        const bool present = range.first != range.second;
        if (rule.must_be_absent) {
            if (present) return false;
            continue;
        }
        if (!present) return false;
        if (rule.values.empty()) continue;
        bool any = false;
        for (auto it = range.first; it != range.second && !any; ++it)
            for (const auto& v : rule.values)
                if (v.text() == "*" || glob_match(ctx ? v.render(*ctx) : v.text(), it->value())) any = true;
        if (!any) return false;
    }
    return true;
}

MatcherSet MatcherSet::from_json(const json& value, const std::string& path) {
    expect_object(value, path);
    MatcherSet set;
    for (auto it = value.begin(); it != value.end(); ++it) {
        const auto& registry = matcher_registry();
        const std::string mpath = join_path(path, it.key());
        if (auto factory = registry.find(it.key()); factory != registry.end()) {
            set.matchers_.push_back(factory->second(it.value(), mpath));
            continue;
        }
        const MatcherSpec* spec = find_module_matcher(it.key());
        if (!spec) throw ConfigError(mpath, "unknown matcher \"" + it.key() + "\"");
        if (!spec->build) throw ConfigError(mpath, "matcher \"" + it.key() + "\" is adapted but not run by ProxFlow yet");
        set.matchers_.push_back(spec->build(it.value(), mpath));
    }
    return set;
}

bool MatcherSet::match(const RequestContext& ctx) const {
    for (const auto& m : matchers_)
        if (!m->match(ctx)) return false;
    return true;
}

MatcherSets MatcherSets::from_json(const json& value, const std::string& path) {
    expect_array(value, path);
    MatcherSets sets;
    for (std::size_t i = 0; i < value.size(); ++i) sets.sets_.push_back(MatcherSet::from_json(value[i], index_path(path, i)));
    return sets;
}

bool MatcherSets::match(const RequestContext& ctx) const {
    if (sets_.empty()) return true;
    for (const auto& s : sets_)
        if (s.match(ctx)) return true;
    return false;
}

} // namespace proxflow
