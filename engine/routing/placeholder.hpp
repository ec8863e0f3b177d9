#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace proxflow {

struct RequestContext;

// Appends the value of a Caddy placeholder key (without braces), e.g. "http.request.host".
// Returns false for an unknown key.
bool resolve_placeholder(const RequestContext& ctx, std::string_view key, std::string& out);

// Placeholders a handler defines for the rest of one request (Caddy's Replacer.Map providers, such
// as the map handler's destinations), computed only when something renders them.
class PlaceholderSource {
public:
    virtual ~PlaceholderSource() = default;
    // Appends the value of key and returns true when key is one of this source's placeholders.
    virtual bool resolve(const RequestContext& ctx, std::string_view key, std::string& out) const = 0;
};

// A string with {placeholders}, split once at config time so that rendering a request is a
// walk over literal and placeholder parts. Unknown placeholders render empty, as Caddy's ReplaceAll.
class Template {
public:
    Template() = default;
    explicit Template(std::string_view text);

    bool has_placeholders() const { return dynamic_; }
    const std::string& text() const { return text_; }
    std::string render(const RequestContext& ctx) const;
    // As render, with each placeholder's value appended through append (Caddy's ReplaceFunc: the file
    // matcher escapes glob characters in values, and writes "." for an empty root).
    std::string render(const RequestContext& ctx, void (*append)(std::string_view value, std::string& out)) const;

private:
    struct Part {
        bool placeholder;
        std::string value;
    };
    std::string text_;
    std::vector<Part> parts_;
    bool dynamic_ = false;
};

} // namespace proxflow
