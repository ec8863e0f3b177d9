// `proxflow fmt`: formats a Caddyfile as `caddy fmt` does.
#include "cli.hpp"

#include "caddyfile/formatter.hpp"
#include "config/config_error.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace proxflow::cli {
namespace {

constexpr const char* fmt_help = R"(Usage: proxflow fmt [--config FILE | FILE] [--overwrite] [--diff]

Prints FILE (default ./Caddyfile; "-" reads standard input) formatted the way `caddy fmt` formats
it: tabs for nesting, braces on the opening line, one blank line between sites.
  --overwrite   write the result back to FILE (atomically: a temporary file, then rename)
  --diff        print the lines that would change, prefixed with - and +
)";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// A line diff by longest common subsequence: small files, so quadratic is fine.
void print_diff(const std::string& before, const std::string& after) {
    const auto a = lines_of(before), b = lines_of(after);
    std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
    for (std::size_t i = a.size(); i-- > 0;)
        for (std::size_t j = b.size(); j-- > 0;)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (i < a.size() && j < b.size() && a[i] == b[j]) {
            std::cout << "  " << a[i] << "\n";
            ++i;
            ++j;
        } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
            std::cout << "+ " << b[j++] << "\n";
        } else {
            std::cout << "- " << a[i++] << "\n";
        }
    }
}

int fmt(int argc, char** argv) {
    std::string path;
    std::vector<char*> flag_args{argv[0], argv[1]};
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-" || !arg.starts_with("--")) {
            if (!path.empty()) throw UsageError("more than one file given");
            path = arg;
        } else {
            flag_args.push_back(argv[i]);
        }
    }
    Flags flags(static_cast<int>(flag_args.size()), flag_args.data(), 2, {{"config", true}, {"overwrite", false}, {"diff", false}});
    if (auto config = flags.value("config")) {
        if (!path.empty()) throw UsageError("give the file either as --config or as an argument");
        path = *config;
    }
    if (path.empty()) path = "Caddyfile";
    std::stringstream text;
    if (path == "-") {
        text << std::cin.rdbuf();
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw ConfigError("", "cannot read " + path);
        text << in.rdbuf();
    }
    const std::string formatted = caddyfile::format(text.str());
    if (flags.has("overwrite")) {
        if (path == "-") throw UsageError("--overwrite needs a file");
        const std::string temp = path + ".proxflow-fmt.tmp";
        {
            std::ofstream out(temp, std::ios::binary | std::ios::trunc);
            out << formatted;
            if (!out.flush()) throw ConfigError("", "cannot write " + temp);
        }
        std::filesystem::rename(temp, path);
        return ok;
    }
    if (flags.has("diff")) print_diff(text.str(), formatted);
    else std::cout << formatted;
    return ok;
}

} // namespace

int fmt_command(int argc, char** argv) { return guarded("fmt", fmt_help, argc, argv, fmt); }

} // namespace proxflow::cli
