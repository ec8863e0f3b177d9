#include "modules/reverse_proxy/load_balancing_config.hpp"

namespace proxflow {

// Its own file so that what only needs the names (the module's console face, the Caddyfile fuzzer)
// does not pull in the policies.
const std::vector<std::string>& selection_policy_names() {
    static const std::vector<std::string> names{"random", "round_robin", "weighted_round_robin", "least_conn", "adaptive", "first",
                                                "random_choose", "ip_hash", "client_ip_hash", "uri_hash", "header",
                                                "query", "cookie"};
    return names;
}

} // namespace proxflow
