#pragma once
#include "caddyfile/directives.hpp"

#include <map>

namespace proxflow::caddyfile {

void register_map_directive(std::map<std::string, DirectiveParser>& registry);

// Export: the `map` directive for one map handler (block lines start with a tab), under the matcher
// token m ("" for none). Throws ExportError for what the directive cannot say.
std::vector<std::string> map_lines(const json& handler, const std::string& m, const std::string& path);

} // namespace proxflow::caddyfile
