#pragma once

namespace proxflow {

// The most client connections the engine keeps open at once when none is configured, so that idle
// or slow clients cannot take every file descriptor and starve upstream connections, listeners and
// files: half the descriptors the process may open (HAProxy's rule for an unset maxconn: a proxied
// client costs its own descriptor and an upstream one), less a reserve. Raises the soft descriptor
// limit to the hard one first, as Go, and therefore Caddy, does at start.
long default_connection_cap();

} // namespace proxflow
