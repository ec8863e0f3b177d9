#include "caddyfile/lexer.hpp"

#include "caddyfile/utf8.hpp"

#include "caddyfile/adapter.hpp"

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

Tokens tokenize(std::string_view raw, const std::string& file) {
    const std::string valid = valid_utf8(raw);
    const std::string_view text = valid;
    auto file_name = std::make_shared<const std::string>(file);
    Tokens tokens;
    int line = 1;
    bool at_line_start = true;
    std::size_t i = 0;
    auto push = [&](std::string value, int token_line, char quote) {
        tokens.push_back({std::move(value), file_name, token_line, quote != 0, quote, at_line_start});
        at_line_start = false;
    };
    while (i < text.size()) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            at_line_start = true;
            ++i;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            ++i;
            continue;
        }
        if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '\n' || (text[i + 1] == '\r' && i + 2 < text.size() && text[i + 2] == '\n'))) {
            // An escaped newline joins the next line to this one.
            i += text[i + 1] == '\n' ? 2 : 3;
            ++line;
            continue;
        }
        if (c == '#') {
            while (i < text.size() && text[i] != '\n') ++i;
            continue;
        }
        const int start_line = line;
        if (c == '"' || c == '`') {
            const char quote = c;
            std::string value;
            ++i;
            bool closed = false;
            while (i < text.size()) {
                const char q = text[i];
                if (quote == '"' && q == '\\' && i + 1 < text.size() && text[i + 1] == '"') {
                    value += '"';
                    i += 2;
                    continue;
                }
                if (q == quote) {
                    closed = true;
                    ++i;
                    break;
                }
                if (q == '\n') ++line;
                value += q;
                ++i;
            }
            if (!closed) throw AdaptError(file, start_line, std::string("unterminated quoted string (opened with ") + quote + ")");
            push(std::move(value), start_line, quote);
            continue;
        }
        std::string value;
        while (i < text.size()) {
            const char w = text[i];
            if (w == ' ' || w == '\t' || w == '\r' || w == '\n') break;
            if (w == '\\' && i + 1 < text.size() && text[i + 1] == '\n') break;
            value += w;
            ++i;
        }
        push(std::move(value), start_line, 0);
    }
    return tokens;
}

} // namespace proxflow::caddyfile
