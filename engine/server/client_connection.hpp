#pragma once
#include "http/beast.hpp"

#include <string>

namespace proxflow {

class Worker;

// Serves one accepted client connection until it closes: reads each request's header, runs the
// server's routes, and keeps the connection alive between requests.
awaitable<void> serve_client(Worker& worker, tcp::socket socket, std::string listener_key);

} // namespace proxflow
