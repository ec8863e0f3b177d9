#pragma once
// What a module's exporter writes with: Caddyfile lines at a nesting depth, and the helpers every
// handler's export shares. The exporter (exporter.cpp) owns the rest: matchers, sites, globals.
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace proxflow::caddyfile {

class Writer {
public:
    explicit Writer(bool for_stock_caddy) : stock_(for_stock_caddy) {}
    // A writer for a nested block: named matchers share one numbering, since a site's nested blocks
    // all see the site's matcher names.
    Writer nested() const {
        Writer w(stock_);
        w.matchers_named_ = matchers_named_;
        return w;
    }
    int next_matcher_number() { return (*matchers_named_)++; }

    std::vector<std::string> warnings;
    // Whether the route being written may be its block's one `handle` block (see write_routes).
    bool may_be_handle = false;

    void line(const std::string& text) { lines_.push_back({depth_, text}); }
    // Another writer's lines, nested at this one's depth (a quoted value's own newlines untouched).
    void append(const Writer& other) {
        for (const auto& [depth, text] : other.lines_) lines_.push_back({depth_ + depth, text});
    }
    void open(const std::string& text) {
        line(text + " {");
        ++depth_;
    }
    void close() {
        --depth_;
        line("}");
    }
    std::string text() const {
        std::string out;
        for (const auto& [depth, text] : lines_) out += std::string(depth, '\t') + text + "\n";
        return out;
    }
    bool stock() const { return stock_; }

private:
    std::vector<std::pair<int, std::string>> lines_;
    int depth_ = 0;
    std::shared_ptr<int> matchers_named_ = std::make_shared<int>(0);
    bool stock_;
};

// A JSON duration (nanoseconds or a Go duration string) as Caddy writes it; ExportError names path.
std::string duration(const nlohmann::json& value, const std::string& path);
// A JSON scalar as its plain text (a string without quotes).
std::string str(const nlohmann::json& value);
// A string, number or boolean as the token Caddy's ScalarVal reads back to it: numbers and booleans
// bare, strings quoted when bare they would read as another scalar ("5", "true").
std::string scalar_token(const nlohmann::json& value, const std::string& path);
// Caddy tells an inline matcher token by its text, quoted or not ("/a b/*" is a path like /a/*).
// The token a matcher set is written as inline: one path starting with "/", quoted when it must be;
// "" when the set needs a named matcher.
std::string inline_matcher_token(const nlohmann::json& set);
// The path an inline matcher token reads as; nothing for a named matcher or no token.
std::optional<std::string> inline_matcher_path(const std::string& token);
// Header operations ({set, add, delete, replace}) as Caddyfile lines, each after prefix.
void header_op_lines(const nlohmann::json& ops, const std::string& prefix, std::vector<std::string>& lines);
// One matcher of a matcher set as the lines of a named matcher's block.
void write_matcher(Writer& w, const std::string& type, const nlohmann::json& value, const std::string& path);
// A subroute as a `handle` block under matcher token m, or as `handle_path m` when m is a path and
// the subroute starts with the rewrite handle_path makes for it. Its routes are read back sorted
// by directive order and consolidated, as Caddy's handle blocks are.
void write_handle_block(Writer& w, const std::string& m, const nlohmann::json& subroute, const std::string& path);
// Routes as the directives of a block (nested handle_response, route and handle blocks).
void write_routes(Writer& w, const nlohmann::json& routes, const std::string& path);

} // namespace proxflow::caddyfile
