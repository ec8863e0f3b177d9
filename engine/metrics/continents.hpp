#pragma once
#include <string_view>

namespace proxflow::metrics {

// The continent code of an ISO 3166 alpha-2 country ("DE" -> "EU"): AF, AN, AS, EU, NA, OC, SA;
// empty for "local", "unknown" and codes the table does not know. The table is generated at build
// time from the countries-list npm package (see resources/CMakeLists.txt).
std::string_view continent_of(std::string_view country);

} // namespace proxflow::metrics
