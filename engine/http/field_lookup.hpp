#pragma once
// Lookups of a field Beast has a code for, on the request path. Beast's own (operator[], count,
// chunked()) search its ordered field set comparing names case-insensitively, a few hundred
// instructions each; a header holds a handful of fields, and a walk over them comparing the code
// Beast stored for each when it parsed or inserted it is several times cheaper. The answers are
// Beast's: the first field of that name, in the order Beast keeps equal names in.
#include "http/beast.hpp"

namespace proxflow {

// The value of the first field named `name`, empty when there is none (as fields[name]).
inline beast::string_view field_value(const http::fields& fields, http::field name) {
    for (const auto& f : fields)
        if (f.name() == name) return f.value();
    return {};
}

// How many fields are named `name` (as fields.count(name)).
inline std::size_t field_count(const http::fields& fields, http::field name) {
    std::size_t n = 0;
    for (const auto& f : fields) n += f.name() == name;
    return n;
}

// Whether the last transfer coding of the first Transfer-Encoding field is chunked, as Beast's
// chunked(): the framing a header says its body has.
inline bool says_chunked(const http::fields& fields) {
    const auto te = field_value(fields, http::field::transfer_encoding);
    if (te.empty()) return false;
    const http::token_list codings{te};
    beast::string_view last;
    for (const auto coding : codings) last = coding;
    return beast::iequals(last, "chunked");
}

} // namespace proxflow
