#include "modules/file_server/mime_types.hpp"

#include "config/ascii_lower.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace proxflow::file_server {
namespace {

class MimeTable {
public:
    MimeTable() {
        for (const auto& [ext, type] : std::initializer_list<std::pair<const char*, const char*>>{
                 {".avif", "image/avif"}, {".css", "text/css; charset=utf-8"}, {".gif", "image/gif"},
                 {".htm", "text/html; charset=utf-8"}, {".html", "text/html; charset=utf-8"}, {".jpeg", "image/jpeg"},
                 {".jpg", "image/jpeg"}, {".js", "text/javascript; charset=utf-8"}, {".json", "application/json"},
                 {".mjs", "text/javascript; charset=utf-8"}, {".pdf", "application/pdf"}, {".png", "image/png"},
                 {".svg", "image/svg+xml"}, {".wasm", "application/wasm"}, {".webp", "image/webp"},
                 {".xml", "text/xml; charset=utf-8"}})
            set(ext, type);
        for (const char* globs : {"/usr/local/share/mime/globs2", "/usr/share/mime/globs2"})
            if (load_globs(globs)) return;
        for (const char* types : {"/etc/mime.types", "/etc/apache2/mime.types", "/etc/apache/mime.types", "/etc/httpd/conf/mime.types"})
            load_mime_types(types);
    }

    std::string find(const std::string& ext) const {
        if (auto it = exact_.find(ext); it != exact_.end()) return it->second;
        if (auto it = lower_.find(ascii_lower(ext)); it != lower_.end()) return it->second;
        return {};
    }

private:
    void set(const std::string& ext, std::string type) {
        if (type.starts_with("text/") && type.find("charset=") == std::string::npos) type = ascii_lower(type) + "; charset=utf-8";
        exact_[ext] = type;
        lower_[ascii_lower(ext)] = type;
    }

    // "weight:type:*.ext[:flags]" lines, heaviest first: the first type seen for an extension wins.
    bool load_globs(const char* path) {
        std::ifstream in(path);
        if (!in) return false;
        for (std::string line; std::getline(in, line);) {
            std::vector<std::string> fields;
            std::stringstream ss(line);
            for (std::string f; std::getline(ss, f, ':');) fields.push_back(f);
            if (fields.size() < 3 || fields[0].empty() || fields[2].size() < 3) continue;
            if (fields[0][0] == '#' || fields[2][0] != '*' || fields[2][1] != '.') continue;
            const std::string ext = fields[2].substr(1);
            if (ext.find_first_of("?*[") != std::string::npos || exact_.contains(ext)) continue;
            set(ext, fields[1]);
        }
        return true;
    }

    // "type ext ext …" lines; later entries replace earlier ones, built-ins included (as Go does).
    void load_mime_types(const char* path) {
        std::ifstream in(path);
        for (std::string line; std::getline(in, line);) {
            std::istringstream words(line);
            std::string type;
            if (!(words >> type) || type[0] == '#') continue;
            for (std::string ext; words >> ext;) {
                if (ext[0] == '#') break;
                set("." + ext, type);
            }
        }
    }

    std::map<std::string, std::string> exact_, lower_;
};

} // namespace

std::string content_type_for(std::string_view filename) {
    static const MimeTable table;
    const auto slash = filename.rfind('/');
    const auto dot = filename.rfind('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
    return table.find(std::string(filename.substr(dot)));
}

} // namespace proxflow::file_server
