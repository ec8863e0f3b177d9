#pragma once
#include <string>
#include <string_view>

namespace proxflow {

// RFC 3986 percent-encoding: everything but the unreserved characters, for query values and form fields.
std::string percent_escape(std::string_view text);
// Percent-encoding of the bytes keep() refuses (upper-case hex), the others as they are.
std::string percent_escape_if(std::string_view text, bool (*keep)(unsigned char));

} // namespace proxflow
