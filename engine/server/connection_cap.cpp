#include "server/connection_cap.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace proxflow {

long default_connection_cap() {
    constexpr long reserve = 64; // listeners, log and capture files, the admin API, DNS
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    const long descriptors = limit.rlim_cur == RLIM_INFINITY ? 1L << 20 : static_cast<long>(std::min<rlim_t>(limit.rlim_cur, 1 << 30));
    return std::max(16L, (descriptors - reserve) / 2);
}

} // namespace proxflow
