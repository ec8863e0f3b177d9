#pragma once
#include "config/object_reader.hpp"
#include "http/beast.hpp"

#include <functional>
#include <memory>
#include <string>

namespace proxflow {

struct RequestContext;
class BuildContext;

// One entry of a route's `handle` list. Built once from validated config and shared by every engine
// thread, so handle() must not mutate the handler itself (atomics excepted).
class Handler {
public:
    virtual ~Handler() = default;
    // Returns true when the chain ends here: a response was written, or nothing after this may run.
    virtual awaitable<bool> handle(RequestContext& ctx) const = 0;
};
using HandlerPtr = std::shared_ptr<const Handler>;

// Builds a handler from its JSON object; reader is positioned on that object, "handler" already read.
using HandlerFactory = std::function<HandlerPtr(ObjectReader& reader, BuildContext& build)>;

// Builds one handler of a route with its module's factory (module/registry.hpp); throws ConfigError
// naming path for an unknown handler or one the engine does not run.
HandlerPtr build_handler(const json& value, const std::string& path, BuildContext& build);

} // namespace proxflow
