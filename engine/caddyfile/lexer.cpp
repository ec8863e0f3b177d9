#include "caddyfile/lexer.hpp"

#include "caddyfile/utf8.hpp"

#include <cstdlib>

namespace proxflow::caddyfile {

std::string expand_environment(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 2, "{$") == 0) {
            const auto end = text.find('}', i);
            if (end != std::string_view::npos) {
                std::string_view body = text.substr(i + 2, end - i - 2);
                std::string_view fallback;
                if (const auto colon = body.find(':'); colon != std::string_view::npos) {
                    fallback = body.substr(colon + 1);
                    body = body.substr(0, colon);
                }
                const char* value = std::getenv(std::string(body).c_str());
                out += value && *value ? std::string_view(value) : fallback;
                i = end;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

namespace {

// The length of the UTF-8 space character (unicode.IsSpace) at text[i], 0 when there is none.
std::size_t space_at(std::string_view text, std::size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    const auto next = [&](std::size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u; };
    if (c == 0xc2 && (next(1) == 0x85 || next(1) == 0xa0)) return 2; // U+0085, U+00A0
    if (c == 0xe1 && next(1) == 0x9a && next(2) == 0x80) return 3;  // U+1680
    if (c == 0xe2 && next(1) == 0x80 && (next(2) <= 0x8a || next(2) == 0xa8 || next(2) == 0xa9 || next(2) == 0xaf)) return 3;
    if (c == 0xe2 && next(1) == 0x81 && next(2) == 0x9f) return 3; // U+205F
    if (c == 0xe3 && next(1) == 0x80 && next(2) == 0x80) return 3; // U+3000
    return 0;
}

} // namespace

// Caddy 2.6.2's lexer (caddyfile/lexer.go), step for step, so every odd input reads the same: a
// backslash escapes the next character outside quotes (even across the spaces before a token), only \"
// inside double quotes, nothing inside backticks; a quote opens only at a token's start, and an
// unterminated one runs to the end; '\r' vanishes even inside a word; an escaped newline continues the
// line, whose tokens keep its number until the next real newline.
Tokens tokenize(std::string_view raw, const std::string& file) {
    const std::string valid = valid_utf8(raw);
    const std::string_view text = valid;
    auto file_name = std::make_shared<const std::string>(file);
    Tokens tokens;
    int line = 1, skipped_lines = 0;
    bool line_break = true;
    std::string value;
    int token_line = 1;
    bool comment = false, quoted = false, backquoted = false, escaped = false;
    const auto make_token = [&](char quote) {
        tokens.push_back({std::move(value), file_name, token_line, quote != 0, quote, line_break});
        value.clear();
        line_break = false;
        quoted = backquoted = escaped = comment = false; // per token, as Caddy's next() keeps them
    };
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (!escaped && !backquoted && c == '\\') {
            escaped = true;
            ++i;
            continue;
        }
        if (quoted || backquoted) {
            if (quoted && escaped) {
                if (c != '"') value += '\\';
                escaped = false;
            } else if ((quoted && c == '"') || (backquoted && c == '`')) {
                make_token(c);
                ++i;
                continue;
            }
            if (c == '\n') {
                line += 1 + skipped_lines;
                skipped_lines = 0;
            }
            value += c;
            ++i;
            continue;
        }
        if (const std::size_t space = space_at(text, i)) {
            i += space;
            if (c == '\r') continue;
            // The word this space ends belongs to the line it started on.
            const bool continued_line = c == '\n' && escaped;
            if (!value.empty()) make_token(0);
            if (c == '\n') {
                if (continued_line) {
                    ++skipped_lines;
                } else {
                    line += 1 + skipped_lines;
                    skipped_lines = 0;
                    line_break = true;
                }
                escaped = comment = false;
            }
            continue;
        }
        if (c == '#' && value.empty()) comment = true;
        if (comment) {
            ++i;
            continue;
        }
        if (value.empty()) {
            token_line = line;
            if (c == '"' || c == '`') {
                (c == '"' ? quoted : backquoted) = true;
                ++i;
                continue;
            }
        }
        if (escaped) {
            value += '\\';
            escaped = false;
        }
        value += c;
        ++i;
    }
    if (!value.empty()) make_token(0);
    return tokens;
}

} // namespace proxflow::caddyfile
