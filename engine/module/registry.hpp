#pragma once
#include "module/module.hpp"

#include <string_view>
#include <vector>

namespace proxflow {

// Every module of modules/module_list.hpp, in that order.
const std::vector<ModuleDescriptor>& modules();

// The module whose handler is named so; null when no module has that handler.
const ModuleDescriptor* find_handler_module(std::string_view handler);

// The request matcher a module brings under that JSON name; null when no module has one.
const MatcherSpec* find_module_matcher(std::string_view name);

// The app a module brings under `apps.<name>`; null when no module has one.
const AppSpec* find_module_app(std::string_view name);

// The handler catalogue the console shows: for each module with a handler, in module order,
// {handler, label, runs, proxflow_only, default, choices}.
nlohmann::json handler_catalogue();

} // namespace proxflow
