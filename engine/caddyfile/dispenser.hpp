#pragma once
#include "caddyfile/adapter.hpp"
#include "caddyfile/token.hpp"

#include <string>
#include <vector>

namespace proxflow::caddyfile {

// Walks one segment's tokens the way Caddy's dispenser does: next() moves on, next_arg() only
// along the current line, next_block(n) through the lines of the block opened at nesting n.
class Dispenser {
public:
    explicit Dispenser(Tokens tokens) : tokens_(std::move(tokens)) {}
    // A dispenser over a module's own tokens whose errors still name the directive they sit in.
    Dispenser(Tokens tokens, std::string directive) : tokens_(std::move(tokens)), directive_(std::move(directive)) {}

    // As Caddy's Next: at the last token it stays there, so errors after it can still name a token.
    bool next() {
        if (cursor_ + 1 >= static_cast<int>(tokens_.size())) return false;
        ++cursor_;
        return true;
    }
    bool next_arg();
    bool next_block(int initial_nesting);
    int nesting() const { return nesting_; }
    std::vector<std::string> remaining_args();
    // Arguments left on the line, without moving.
    int count_remaining_args() const;

    const std::string& val() const { return tokens_.at(static_cast<std::size_t>(cursor_)).text; }
    const Token& token() const { return tokens_.at(static_cast<std::size_t>(std::max(cursor_, 0))); }
    bool at_brace(const char* brace) const { return token().is(brace); }
    void back() { --cursor_; }
    int cursor() const { return cursor_; }
    // The tokens of the block opened after the current token (without the braces), cursor past it.
    Tokens take_block();
    // The current token, the rest of its line and the block that line opens (braces included), cursor
    // past them: what Caddy hands a module's own Caddyfile parser (NewFromNextSegment).
    Tokens take_segment();
    // The directive errors name.
    std::string directive() const { return !directive_.empty() ? directive_ : tokens_.empty() ? "?" : tokens_.front().text; }

    // Errors name the file, the line of the current token and the directive being parsed.
    [[noreturn]] void fail(const std::string& message) const;
    [[noreturn]] void wrong_args() const { fail("wrong argument count or unexpected line ending after '" + val() + "'"); }

    const Tokens& tokens() const { return tokens_; }

private:
    bool next_on_same_line();
    Tokens tokens_;
    std::string directive_;
    int cursor_ = -1;
    int nesting_ = 0;
};

} // namespace proxflow::caddyfile
