#pragma once
#include <memory>
#include <string>
#include <vector>

namespace proxflow::caddyfile {

struct Token {
    std::string text;
    std::shared_ptr<const std::string> file;
    int line = 0;
    bool quoted = false;      // "..." or `...`: never a brace, matcher or comment
    char quote = 0;           // the quote character it was written with
    bool line_break = false;  // the first token on its (logical) line

    const std::string& file_name() const { return *file; }
    bool is(const char* word) const { return !quoted && text == word; }
    // The token as written, quotes included.
    std::string raw() const { return quote ? quote + text + quote : text; }
};

using Tokens = std::vector<Token>;

} // namespace proxflow::caddyfile
