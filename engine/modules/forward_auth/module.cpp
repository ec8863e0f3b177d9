#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor forward_auth_module() {
    return {};
}

} // namespace proxflow
