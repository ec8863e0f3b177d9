#pragma once
#include "caddyfile/directives.hpp"

#include <map>

namespace proxflow::caddyfile {

void register_encode_directive(std::map<std::string, DirectiveParser>& registry);

// Export: the `encode` directive for one encode handler (block lines start with a tab), under the
// matcher token m ("" for none). Throws ExportError for what the directive cannot say.
std::vector<std::string> encode_lines(const json& handler, const std::string& m, const std::string& path);

} // namespace proxflow::caddyfile
