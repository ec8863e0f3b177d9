#pragma once
#include "caddyfile/token.hpp"

#include <string>
#include <vector>

namespace proxflow::caddyfile {

// One directive with its arguments and nested block: everything from its first token to the end
// of its line, or to the brace that closes the block opened at the end of that line.
struct Segment {
    Tokens tokens;
    const std::string& directive() const { return tokens.front().text; }
};

// A site block (or, with no keys, the global options block).
struct ServerBlock {
    Tokens keys;
    std::vector<Segment> segments;
    bool global = false;
};

// Expands snippets and imports, then splits the tokens into blocks and segments.
// Throws AdaptError for unbalanced braces (naming where the block opened) and bad imports.
std::vector<ServerBlock> parse_blocks(Tokens tokens, const std::string& file);

// Splits the body of a block (already expanded) into its segments.
std::vector<Segment> parse_blocks_body(const Tokens& body);

} // namespace proxflow::caddyfile
