#pragma once
#include "module/handler.hpp"

namespace proxflow {

// Factories of the built-in handlers; each lives in the file named after it.
HandlerPtr make_static_response(ObjectReader& r, BuildContext& build);
HandlerPtr make_headers(ObjectReader& r, BuildContext& build);
HandlerPtr make_rewrite(ObjectReader& r, BuildContext& build);
HandlerPtr make_vars(ObjectReader& r, BuildContext& build);
HandlerPtr make_subroute(ObjectReader& r, BuildContext& build);
HandlerPtr make_reverse_proxy(ObjectReader& r, BuildContext& build);
HandlerPtr make_copy_response(ObjectReader& r, BuildContext& build);
HandlerPtr make_copy_response_headers(ObjectReader& r, BuildContext& build);
HandlerPtr make_traffic_dashboard(ObjectReader& r, BuildContext& build);
HandlerPtr make_encode(ObjectReader& r, BuildContext& build);
HandlerPtr make_map(ObjectReader& r, BuildContext& build);

} // namespace proxflow
