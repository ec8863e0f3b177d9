#pragma once
#include "caddyfile/helper.hpp"

namespace proxflow::caddyfile {

// "*" (no matcher), "/path" (a path matcher) or "@name" (a named matcher); found tells whether
// the token was a matcher at all. Throws for an unknown @name.
json matcher_set_from_token(const Token& token, const MatcherDefs& defs, bool& found);

// Reads "@name ..." segments into defs (one matcher set per name; repeated matcher types merge).
void parse_matcher_definition(const Tokens& segment, MatcherDefs& defs);

// Reads the matchers of a block ("path /a", "header X y", ...) into one matcher set.
json parse_matcher_set(const Tokens& lines);

// One line of a module's matcher (d on its name) merged into value; false when no module has the
// matcher. Defined with the module registry (module/caddyfile_registry.cpp).
bool parse_module_matcher(const std::string& type, Dispenser& d, json& value);

} // namespace proxflow::caddyfile
