#include "admin/config_api.hpp"

#include <vector>

namespace proxflow {
namespace {

AdminReply error(unsigned status, const std::string& message) { return {status, json{{"error", message}}}; }

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t pos = 0;
    while (pos < path.size()) {
        auto slash = path.find('/', pos);
        if (slash == std::string::npos) slash = path.size();
        if (slash > pos) parts.push_back(path.substr(pos, slash - pos));
        pos = slash + 1;
    }
    return parts;
}

bool parse_index(const std::string& part, std::size_t& index) {
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return false;
    index = std::stoul(part);
    return true;
}

} // namespace

AdminReply apply_config_request(const std::string& method, const std::string& path, const std::string& body,
                                const json& config, json& changed) {
    const auto parts = split_path(path);
    if (method == "GET") {
        const json* node = &config;
        for (const auto& part : parts) {
            std::size_t index;
            if (node->is_object() && node->contains(part)) node = &(*node)[part];
            else if (node->is_array() && parse_index(part, index) && index < node->size()) node = &(*node)[index];
            else return error(404, "path not found: /config" + path);
        }
        return {200, *node};
    }

    json value;
    if (method != "DELETE") {
        try {
            value = json::parse(body);
        } catch (const json::parse_error& e) {
            return error(400, std::string("request body is not valid JSON: ") + e.what());
        }
    }
    changed = config;
    if (parts.empty()) {
        if (method == "DELETE") changed = nullptr;
        else if (method == "PUT" && !config.is_null()) return error(409, "config already exists; use POST or PATCH to replace it");
        else if (method == "PATCH" && config.is_null()) return error(404, "no config to patch");
        else changed = value;
        return {200, nullptr};
    }

    // Walk to the parent, creating objects on the way for POST and PUT, as Caddy does.
    json* parent = &changed;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        const auto& part = parts[i];
        std::size_t index;
        if (parent->is_array()) {
            if (!parse_index(part, index) || index >= parent->size()) return error(404, "path not found: /config" + path);
            parent = &(*parent)[index];
        } else {
            if (parent->is_null()) *parent = json::object();
            if (!parent->is_object()) return error(400, "cannot traverse a " + std::string(parent->type_name()) + " at " + part);
            if (!parent->contains(part)) {
                if (method != "POST" && method != "PUT") return error(404, "path not found: /config" + path);
                (*parent)[part] = json::object();
            }
            parent = &(*parent)[part];
        }
    }
    const std::string& last = parts.back();
    if (parent->is_null()) *parent = json::object();
    if (parent->is_array()) {
        std::size_t index;
        if (!parse_index(last, index) || index > parent->size()) return error(404, "path not found: /config" + path);
        const bool exists = index < parent->size();
        if (method == "DELETE" && exists) parent->erase(index);
        else if (method == "PUT") parent->insert(parent->begin() + static_cast<std::ptrdiff_t>(index), value);
        else if ((method == "POST" || method == "PATCH") && exists) (*parent)[index] = value;
        else return error(404, "path not found: /config" + path);
        return {200, nullptr};
    }
    if (!parent->is_object()) return error(400, "cannot address a key inside a " + std::string(parent->type_name()));
    const bool exists = parent->contains(last);
    if (method == "DELETE") {
        if (!exists) return error(404, "path not found: /config" + path);
        parent->erase(last);
    } else if (method == "PUT") {
        if (exists) return error(409, "key already exists: " + last);
        (*parent)[last] = value;
    } else if (method == "PATCH") {
        if (!exists) return error(404, "path not found: /config" + path);
        (*parent)[last] = value;
    } else if (method == "POST") {
        json& target = (*parent)[last];
        // POST to an array appends to it; to anything else it sets the value.
        if (target.is_array()) target.push_back(value);
        else target = value;
    } else {
        return error(405, "method not allowed");
    }
    return {200, nullptr};
}

} // namespace proxflow
