// `rewrite`: changes the request's method or URI before later handlers see it.
#include "module/handler.hpp"
#include "http/request_context.hpp"
#include "routing/placeholder.hpp"

#include <algorithm>
#include <regex>

namespace proxflow {
namespace {

class Rewrite final : public Handler {
public:
    explicit Rewrite(ObjectReader& r) {
        method_ = Template(r.string("method"));
        uri_ = Template(r.string("uri"));
        strip_prefix_ = r.string("strip_path_prefix");
        strip_suffix_ = r.string("strip_path_suffix");
        if (const json* subs = r.take("uri_substring")) {
            const std::string path = r.path_of("uri_substring");
            expect_array(*subs, path);
            for (std::size_t i = 0; i < subs->size(); ++i) {
                ObjectReader s((*subs)[i], index_path(path, i));
                substrings_.push_back({s.string("find"), s.string("replace"), static_cast<int>(s.integer("limit"))});
                s.finish();
            }
        }
        if (const json* regexps = r.take("path_regexp")) {
            const std::string path = r.path_of("path_regexp");
            expect_array(*regexps, path);
            for (std::size_t i = 0; i < regexps->size(); ++i) {
                ObjectReader s((*regexps)[i], index_path(path, i));
                try {
                    regexps_.push_back({std::regex(s.string("find")), s.string("replace")});
                } catch (const std::regex_error& e) {
                    throw ConfigError(s.path_of("find"), std::string("invalid regular expression: ") + e.what());
                }
                s.finish();
            }
        }
    }

    awaitable<bool> handle(RequestContext& ctx) const override {
        auto& req = ctx.request();
        if (!method_.text().empty()) {
            // As Caddy: placeholders filled, then upper-cased.
            std::string method = method_.render(ctx);
            std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::toupper(c); });
            req.method_string(method);
        }
        std::string target(req.target());
        if (!uri_.text().empty()) target = rewrite_uri(ctx, target);
        const auto q = target.find('?');
        std::string path = target.substr(0, q);
        const std::string query = q == std::string::npos ? std::string{} : target.substr(q);
        if (!strip_prefix_.empty() && path.starts_with(strip_prefix_)) {
            path.erase(0, strip_prefix_.size());
            if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
        }
        if (!strip_suffix_.empty() && path.ends_with(strip_suffix_)) path.erase(path.size() - strip_suffix_.size());
        for (const auto& sub : substrings_) {
            int count = 0;
            for (auto pos = path.find(sub.find); pos != std::string::npos && !sub.find.empty();
                 pos = path.find(sub.find, pos + sub.replace.size())) {
                if (sub.limit > 0 && count++ >= sub.limit) break;
                path.replace(pos, sub.find.size(), sub.replace);
            }
        }
        for (const auto& [re, with] : regexps_) path = std::regex_replace(path, re, with);
        req.target(path + query);
        co_return false;
    }

private:
    // A uri with a '?' replaces the query too; "?{query}&a=b" style templates keep the old one.
    std::string rewrite_uri(const RequestContext& ctx, const std::string& old_target) const {
        std::string rendered = uri_.render(ctx);
        const auto old_q = old_target.find('?');
        if (rendered.find('?') == std::string::npos && old_q != std::string::npos)
            rendered += old_target.substr(old_q);
        if (rendered.empty() || rendered.front() == '?') rendered.insert(0, old_target.substr(0, old_q));
        return rendered;
    }

    struct Substring {
        std::string find, replace;
        int limit;
    };
    Template method_;
    Template uri_;
    std::string strip_prefix_, strip_suffix_;
    std::vector<Substring> substrings_;
    std::vector<std::pair<std::regex, std::string>> regexps_;
};

} // namespace

HandlerPtr make_rewrite(ObjectReader& r, BuildContext&) { return std::make_shared<Rewrite>(r); }

} // namespace proxflow
