#include "caddyfile/dispenser.hpp"

namespace proxflow::caddyfile {

bool Dispenser::next_on_same_line() {
    if (cursor_ < 0) {
        ++cursor_;
        return !tokens_.empty();
    }
    const auto next = static_cast<std::size_t>(cursor_ + 1);
    if (next >= tokens_.size() || tokens_[next].line_break) return false;
    ++cursor_;
    return true;
}

bool Dispenser::next_arg() {
    if (!next_on_same_line()) return false;
    if (token().is("{")) {
        --cursor_;
        return false;
    }
    return true;
}

bool Dispenser::next_block(int initial_nesting) {
    if (nesting_ > initial_nesting) {
        if (!next()) return false;
        const auto next_index = static_cast<std::size_t>(cursor_ + 1);
        const bool line_ends = next_index >= tokens_.size() || tokens_[next_index].line_break;
        if (token().is("}") && line_ends) --nesting_;
        else if (token().is("{") && line_ends) ++nesting_;
        return cursor_ < static_cast<int>(tokens_.size()) && nesting_ > initial_nesting;
    }
    if (!next_on_same_line()) return false;
    if (!token().is("{")) {
        --cursor_;
        return false;
    }
    if (!next()) fail("unclosed '{'");
    if (token().is("}")) return false;
    ++nesting_;
    return true;
}

std::vector<std::string> Dispenser::remaining_args() {
    std::vector<std::string> args;
    while (next_arg()) args.push_back(val());
    return args;
}

int Dispenser::count_remaining_args() const {
    int count = 0;
    for (auto i = static_cast<std::size_t>(cursor_ + 1); i < tokens_.size() && !tokens_[i].line_break && !tokens_[i].is("{"); ++i)
        ++count;
    return count;
}

Tokens Dispenser::take_block() {
    Tokens block;
    const int saved = cursor_;
    if (!next_on_same_line()) return block;
    if (!token().is("{")) {
        cursor_ = saved;
        return block;
    }
    int depth = 1;
    while (next()) {
        if (token().is("{")) ++depth;
        else if (token().is("}") && --depth == 0) break;
        block.push_back(token());
    }
    return block;
}

Tokens Dispenser::take_segment() {
    Tokens segment{token()};
    while (next_arg()) segment.push_back(token());
    if (!next_on_same_line()) return segment;
    if (!token().is("{")) {
        --cursor_;
        return segment;
    }
    segment.push_back(token());
    for (int depth = 1; depth > 0 && next();) {
        if (token().is("{")) ++depth;
        else if (token().is("}")) --depth;
        segment.push_back(token());
    }
    return segment;
}

void Dispenser::fail(const std::string& message) const {
    const Token& t = tokens_.empty() ? Token{} : token();
    throw AdaptError(t.file ? t.file_name() : "Caddyfile", t.line, directive() + ": " + message);
}

} // namespace proxflow::caddyfile
