#include "caddyfile/parser.hpp"

#include "caddyfile/adapter.hpp"
#include "caddyfile/lexer.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace proxflow::caddyfile {
namespace {

namespace fs = std::filesystem;

// Index of the token after the brace that closes the one at `open`.
std::size_t matching_brace(const Tokens& tokens, std::size_t open) {
    int depth = 0;
    for (std::size_t i = open; i < tokens.size(); ++i) {
        if (tokens[i].is("{")) ++depth;
        else if (tokens[i].is("}") && --depth == 0) return i + 1;
    }
    throw AdaptError(tokens[open].file_name(), tokens[open].line, "unclosed '{': the block opened here has no closing '}'");
}

std::string substitute_args(const std::string& text, const std::vector<std::string>& args) {
    if (text.find("{args") == std::string::npos) return text;
    static const std::regex placeholder(R"(\{args(?:\.(\d+)|\[(\d+)\])\})");
    std::string out;
    std::size_t last = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), placeholder), end; it != end; ++it) {
        out += text.substr(last, static_cast<std::size_t>(it->position()) - last);
        const std::string index = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
        // An index past the arguments (however many digits) stands for nothing, as in Caddy.
        if (index.size() < 6 && std::stoul(index) < args.size()) out += args[std::stoul(index)];
        last = static_cast<std::size_t>(it->position() + it->length());
    }
    return out + text.substr(last);
}

class Expander {
public:
    Tokens expand(const Tokens& in, int depth) {
        if (depth > 16 && !in.empty()) throw AdaptError(in.front().file_name(), in.front().line, "import: too deeply nested (a cycle?)");
        Tokens out;
        for (std::size_t i = 0; i < in.size();) {
            const Token& t = in[i];
            // A snippet definition at the top level: "(name) {" ... "}".
            if (t.line_break && !t.quoted && t.text.size() > 2 && t.text.front() == '(' && t.text.back() == ')' &&
                i + 1 < in.size() && in[i + 1].is("{") && depth_of(out) == 0) {
                const std::size_t end = matching_brace(in, i + 1);
                snippets_[t.text.substr(1, t.text.size() - 2)] = Tokens(in.begin() + static_cast<std::ptrdiff_t>(i) + 2,
                                                                      in.begin() + static_cast<std::ptrdiff_t>(end) - 1);
                i = end;
                continue;
            }
            if (t.line_break && t.is("import")) {
                std::vector<std::string> args;
                std::size_t j = i + 1;
                while (j < in.size() && !in[j].line_break) args.push_back(in[j++].text);
                if (args.empty()) throw AdaptError(t.file_name(), t.line, "import: missing the snippet name or file to import");
                const std::string target = args.front();
                args.erase(args.begin());
                Tokens imported = resolve(t, target);
                for (auto& tok : imported) tok.text = substitute_args(tok.text, args);
                if (!imported.empty()) imported.front().line_break = true;
                Tokens expanded = expand(imported, depth + 1);
                if (!expanded.empty()) expanded.front().line_break = true;
                out.insert(out.end(), expanded.begin(), expanded.end());
                i = j;
                continue;
            }
            out.push_back(t);
            ++i;
        }
        return out;
    }

private:
    static int depth_of(const Tokens& out) {
        int depth = 0;
        for (const auto& t : out) {
            if (t.is("{")) ++depth;
            else if (t.is("}")) --depth;
        }
        return depth;
    }

    Tokens resolve(const Token& at, const std::string& target) {
        if (auto it = snippets_.find(target); it != snippets_.end()) return it->second;
        fs::path path = target;
        if (path.is_relative()) path = fs::path(at.file_name()).parent_path() / path;
        std::vector<fs::path> files;
        if (target.find('*') != std::string::npos) {
            // Only '*' is a wildcard; every other character of the name matches itself.
            const std::string escaped = std::regex_replace(path.filename().string(), std::regex(R"([.^$+?()\[\]{}|\\])"), R"(\$&)");
            const std::string pattern = std::regex_replace(escaped, std::regex(R"(\*)"), ".*");
            std::error_code ec;
            for (const auto& entry : fs::directory_iterator(path.parent_path(), ec))
                if (entry.is_regular_file(ec) && std::regex_match(entry.path().filename().string(), std::regex(pattern)))
                    files.push_back(entry.path());
            std::sort(files.begin(), files.end());
        } else {
            std::error_code ec;
            if (!fs::exists(path, ec)) throw AdaptError(at.file_name(), at.line, "import: no snippet or file named \"" + target + "\"");
            // A directory or a device (say /dev/zero) is no Caddyfile, and reading one could never end.
            if (!fs::is_regular_file(path, ec)) throw AdaptError(at.file_name(), at.line, "import: \"" + target + "\" is not a regular file");
            files.push_back(path);
        }
        Tokens all;
        for (const auto& f : files) {
            std::ifstream in(f, std::ios::binary);
            std::stringstream text;
            text << in.rdbuf();
            Tokens part = tokenize(expand_environment(text.str()), f.string());
            all.insert(all.end(), part.begin(), part.end());
        }
        return all;
    }

    std::map<std::string, Tokens> snippets_;
};

// Splits a block body [begin, end) into segments.
std::vector<Segment> segments_of(const Tokens& tokens, std::size_t begin, std::size_t end) {
    std::vector<Segment> out;
    std::size_t i = begin;
    while (i < end) {
        Segment seg;
        int depth = 0;
        std::size_t open_at = i;
        seg.tokens.push_back(tokens[i++]);
        while (i < end) {
            const Token& t = tokens[i];
            if (depth == 0 && t.line_break) break;
            if (t.is("{")) {
                if (depth == 0) open_at = i;
                ++depth;
            } else if (t.is("}")) {
                if (depth == 0) break;
                --depth;
            }
            seg.tokens.push_back(t);
            ++i;
        }
        if (depth > 0) throw AdaptError(tokens[open_at].file_name(), tokens[open_at].line, "unclosed '{': the block opened here has no closing '}'");
        out.push_back(std::move(seg));
    }
    return out;
}

} // namespace

std::vector<Segment> parse_blocks_body(const Tokens& body) {
    Tokens tokens = body;
    if (!tokens.empty()) tokens.front().line_break = true;
    return segments_of(tokens, 0, tokens.size());
}

std::vector<ServerBlock> parse_blocks(Tokens raw, const std::string& file) {
    Expander expander;
    const Tokens tokens = expander.expand(raw, 0);
    std::vector<ServerBlock> blocks;
    std::size_t i = 0;
    if (i < tokens.size() && tokens[i].is("{")) {
        const std::size_t end = matching_brace(tokens, i);
        ServerBlock global;
        global.global = true;
        global.segments = segments_of(tokens, i + 1, end - 1);
        blocks.push_back(std::move(global));
        i = end;
    }
    while (i < tokens.size()) {
        ServerBlock block;
        // Keys: the addresses on this line, and on following lines while a key ends with a comma.
        for (;;) {
            const Token& t = tokens[i];
            if (t.is("}")) throw AdaptError(t.file_name(), t.line, "unexpected '}' (no block is open here)");
            if (t.is("{")) break;
            std::string key = t.text;
            const bool continues = !key.empty() && key.back() == ',';
            if (continues) key.pop_back();
            if (!key.empty()) {
                Token k = t;
                k.text = key;
                block.keys.push_back(std::move(k));
            }
            ++i;
            if (i >= tokens.size()) break;
            if (tokens[i].line_break && !continues && !tokens[i].is("{")) break;
        }
        if (i < tokens.size() && tokens[i].is("{")) {
            const std::size_t end = matching_brace(tokens, i);
            block.segments = segments_of(tokens, i + 1, end - 1);
            i = end;
        } else if (blocks.empty() || (blocks.size() == 1 && blocks.front().global)) {
            // A single site may leave out its braces: the rest of the file is its body.
            block.segments = segments_of(tokens, i, tokens.size());
            i = tokens.size();
        } else {
            const Token& t = block.keys.empty() ? tokens[i - 1] : block.keys.front();
            throw AdaptError(t.file_name(), t.line, "site block \"" + t.text + "\" needs '{' after its addresses");
        }
        if (block.keys.empty()) throw AdaptError(file, tokens[std::min(i, tokens.size()) - 1].line, "site block without an address");
        blocks.push_back(std::move(block));
    }
    return blocks;
}

} // namespace proxflow::caddyfile
