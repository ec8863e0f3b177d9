// `map`: maps a source value (a placeholder) to outputs named by destination placeholders
// (Caddy's http.handlers.map). Nothing is computed until a destination is rendered: the handler
// only registers itself as a placeholder source for the rest of the request, as Caddy's repl.Map.
#include "module/handler.hpp"
#include "http/request_context.hpp"
#include "routing/placeholder.hpp"

#include <charconv>
#include <optional>
#include <regex>
#include <set>

namespace proxflow {
namespace {

// caddy.ToString of a JSON output: numbers decode as float64 in Caddy and print without exponent.
std::string scalar_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return v.dump();
    if (v.is_number_float()) {
        char buf[400];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get<double>(), std::chars_format::fixed);
        return ec == std::errc{} ? std::string(buf, end) : v.dump();
    }
    return v.dump();
}

// Go's Regexp.ExpandString: $1, ${1}, $$; a name that is not a group number expands to nothing
// (std::regex has no named groups), and "$1x" names group "1x", as in Go.
void expand(std::string_view tmpl, const std::smatch& m, std::string& out) {
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] != '$' || i + 1 == tmpl.size()) {
            out += tmpl[i];
            continue;
        }
        if (tmpl[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        std::string_view name;
        std::size_t next = i + 1;
        if (tmpl[next] == '{') {
            const auto close = tmpl.find('}', next);
            if (close == std::string_view::npos) {
                out += '$';
                continue;
            }
            name = tmpl.substr(next + 1, close - next - 1);
            next = close + 1;
        } else {
            std::size_t end = next;
            while (end < tmpl.size() && (std::isalnum(static_cast<unsigned char>(tmpl[end])) || tmpl[end] == '_')) ++end;
            name = tmpl.substr(next, end - next);
            next = end;
        }
        if (name.empty()) {
            out += '$';
            continue;
        }
        std::size_t group = 0;
        const auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), group);
        if (ec == std::errc{} && p == name.data() + name.size() && group < m.size()) out += m[group].str();
        i = next - 1;
    }
}

class Map final : public Handler, public PlaceholderSource {
public:
    explicit Map(ObjectReader& r) {
        source_ = Template(r.string("source"));
        const auto destinations = r.strings("destinations");
        for (std::size_t i = 0; i < destinations.size(); ++i) {
            const std::string& dest = destinations[i];
            if (std::count(dest.begin(), dest.end(), '{') != 1 || !dest.starts_with("{"))
                throw ConfigError(index_path(r.path_of("destinations"), i), "destination must be a placeholder and only a placeholder");
            const auto first = dest.find_first_not_of("{}");
            const auto last = dest.find_last_not_of("{}");
            destinations_.push_back(first == std::string::npos ? std::string{} : dest.substr(first, last - first + 1));
        }
        for (const auto& d : r.strings("defaults")) defaults_.emplace_back(d);
        if (!defaults_.empty() && defaults_.size() != destinations_.size())
            throw ConfigError(r.path_of("defaults"), std::to_string(destinations_.size()) + " destinations != " +
                                                         std::to_string(defaults_.size()) + " defaults");
        if (const json* mappings = r.take("mappings")) read_mappings(*mappings, r.path_of("mappings"));
    }

    awaitable<bool> handle(RequestContext& ctx) const override {
        ctx.placeholder_sources.push_back(this);
        co_return false;
    }

    bool resolve(const RequestContext& ctx, std::string_view key, std::string& out) const override {
        const auto dest = std::find(destinations_.begin(), destinations_.end(), key);
        if (dest == destinations_.end()) return false;
        const auto index = static_cast<std::size_t>(dest - destinations_.begin());
        // A source or output that names this map's own destination would recurse without end.
        thread_local int depth = 0;
        if (depth > 8) return true;
        ++depth;
        const std::string input = source_.render(ctx);
        bool found = false;
        for (const auto& m : mappings_) {
            const auto& output = m.outputs[index];
            if (!output) continue;
            if (m.regexp) {
                std::smatch match;
                if (!std::regex_search(input, match, *m.regexp)) continue;
                expand(output->text(), match, out);
            } else {
                if (input != m.input) continue;
                out += output->render(ctx);
            }
            found = true;
            break;
        }
        if (!found && !defaults_.empty()) out += defaults_[index].render(ctx);
        --depth;
        return true;
    }

private:
    struct Mapping {
        std::string input;
        std::optional<std::regex> regexp;
        std::vector<std::optional<Template>> outputs; // none: not mapped here, fall through
    };

    void read_mappings(const json& mappings, const std::string& path) {
        expect_array(mappings, path);
        std::set<std::string> seen;
        for (std::size_t i = 0; i < mappings.size(); ++i) {
            ObjectReader m(mappings[i], index_path(path, i));
            Mapping mapping;
            mapping.input = m.string("input");
            const std::string pattern = m.string("input_regexp");
            if (!mapping.input.empty() && !pattern.empty())
                throw ConfigError(m.path(), "mapping " + std::to_string(i) + " has both input and input_regexp fields specified, which is confusing");
            if (!pattern.empty()) {
                try {
                    mapping.regexp.emplace(pattern, std::regex::ECMAScript);
                } catch (const std::regex_error& e) {
                    throw ConfigError(m.path_of("input_regexp"), std::string("invalid regular expression: ") + e.what());
                }
            }
            if (!seen.insert(pattern.empty() ? mapping.input : pattern).second)
                throw ConfigError(m.path(), "mapping " + std::to_string(i) + " has a duplicate input");
            if (const json* outputs = m.take("outputs")) {
                expect_array(*outputs, m.path_of("outputs"));
                for (const auto& o : *outputs) {
                    if (o.is_null()) mapping.outputs.emplace_back();
                    else if (o.is_object() || o.is_array()) throw ConfigError(m.path_of("outputs"), "outputs must be strings, numbers, booleans or null");
                    else mapping.outputs.emplace_back(Template(scalar_text(o)));
                }
            }
            if (mapping.outputs.size() != destinations_.size())
                throw ConfigError(m.path_of("outputs"), "mapping " + std::to_string(i) + " has " + std::to_string(mapping.outputs.size()) +
                                                            " outputs but there are " + std::to_string(destinations_.size()) +
                                                            " destinations defined");
            m.finish();
            mappings_.push_back(std::move(mapping));
        }
    }

    Template source_;
    std::vector<std::string> destinations_;
    std::vector<Mapping> mappings_;
    std::vector<Template> defaults_;
};

} // namespace

HandlerPtr make_map(ObjectReader& r, BuildContext&) { return std::make_shared<Map>(r); }

} // namespace proxflow
