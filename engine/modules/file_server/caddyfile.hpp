#pragma once
#include "module/module.hpp"

#include <vector>

namespace proxflow::file_server {

// The file_server and root directives, and the exporters that write their handlers back.
std::vector<DirectiveSpec> directives();
std::vector<ExporterSpec> exporters();

} // namespace proxflow::file_server
