#include "caddyfile/formatter.hpp"

#include "caddyfile/utf8.hpp"

#include <cctype>

namespace proxflow::caddyfile {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// A single pass over the characters. A '{' is held back until the next character shows whether
// it stands alone (a block opens) or starts a word such as a {placeholder}.
class Formatter {
public:
    std::string run(std::string_view input) {
        for (char c : trim(input)) step(c);
        return std::string(trim(out_)) + "\n";
    }

private:
    void put(char c) {
        out_ += c;
        last_ = c;
    }
    void newline() {
        put('\n');
        line_start_ = true;
    }
    void indent() {
        for (int i = 0; i < depth_; ++i) put('\t');
    }

    void step(char c) {
        if (in_comment_) {
            if (c == '\n') {
                in_comment_ = false;
                after_space_ = true;
                newline();
            } else {
                put(c);
            }
            return;
        }
        if (escaping_) {
            put(c);
            escaping_ = false;
            return;
        }
        if (c == '\\') {
            if (after_space_) {
                put(' ');
                after_space_ = false;
            }
            put(c);
            escaping_ = true;
            return;
        }
        if (in_quotes_) {
            if (c == '"') in_quotes_ = false;
            put(c);
            return;
        }
        if (after_space_ && c == '"') in_quotes_ = true;
        if (std::isspace(static_cast<unsigned char>(c))) {
            after_space_ = true;
            if (c == '\n') ++pending_newlines_;
            return;
        }
        const bool spaced = after_space_;
        after_space_ = false;
        if (c == '#') in_comment_ = true;

        // A held '{' followed by whitespace was a block opening: write it and start the block.
        if (held_brace_ && spaced && !held_brace_written_) {
            if (depth_ == 0 && last_ == '}') {
                newline();
                newline();
            }
            held_brace_ = false;
            if (line_start_) indent();
            else if (!space_before_brace_) put(' ');
            put('{');
            held_brace_written_ = true;
            newline();
            pending_newlines_ = 0;
            if (depth_ < 10) ++depth_;
        }
        if (c == '{') {
            held_brace_ = true;
            held_brace_written_ = false;
            space_before_brace_ = spaced && !line_start_;
            if (space_before_brace_) put(' ');
            return;
        }
        if (c == '}' && (spaced || !held_brace_)) {
            if (last_ != '\n') newline();
            if (depth_ > 0) --depth_;
            indent();
            put('}');
            pending_newlines_ = 0;
            return;
        }
        for (int i = 0; i < std::min(pending_newlines_, 2); ++i) newline();
        pending_newlines_ = 0;
        if (line_start_) indent();
        if (depth_ == 0 && last_ == '}' && line_start_) {
            newline();
            newline();
        }
        if (!line_start_ && spaced) put(' ');
        if (held_brace_ && !held_brace_written_) {
            put('{');
            held_brace_written_ = true;
        }
        put(c);
        line_start_ = false;
    }

    std::string out_;
    char last_ = 0;
    bool after_space_ = true;
    bool line_start_ = true;
    bool held_brace_ = false;
    bool held_brace_written_ = false;
    bool space_before_brace_ = false;
    int pending_newlines_ = 0;
    bool in_comment_ = false;
    bool in_quotes_ = false;
    bool escaping_ = false;
    int depth_ = 0;
};

} // namespace

std::string format(std::string_view input) { return Formatter().run(valid_utf8(input)); }

} // namespace proxflow::caddyfile
