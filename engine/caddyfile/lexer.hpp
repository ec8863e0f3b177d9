#pragma once
#include "caddyfile/token.hpp"

#include <string_view>

namespace proxflow::caddyfile {

// Replaces {$NAME} and {$NAME:default} with environment values, as Caddy does before lexing.
std::string expand_environment(std::string_view text);

// Splits Caddyfile text into tokens exactly as Caddy 2.6.2's lexer does: whitespace separates them,
// "..." and `...` quote (a quoted token keeps its inner text), # starts a comment, a backslash
// escapes (see lexer.cpp for its odd corners) and before a newline continues the line.
Tokens tokenize(std::string_view text, const std::string& file);

} // namespace proxflow::caddyfile
