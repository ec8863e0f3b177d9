// `vars`: sets request variables for {http.vars.*} placeholders and the vars matcher.
#include "module/handler.hpp"
#include "http/request_context.hpp"
#include "routing/placeholder.hpp"

namespace proxflow {
namespace {

class Vars final : public Handler {
public:
    explicit Vars(ObjectReader& r) {
        for (auto it = r.raw().begin(); it != r.raw().end(); ++it) {
            if (it.key() == "handler") continue;
            r.skip(it.key());
            const auto& v = it.value();
            vars_.emplace_back(it.key(), Template(v.is_string() ? v.get<std::string>() : v.dump()));
        }
    }
    awaitable<bool> handle(RequestContext& ctx) const override {
        for (const auto& [name, value] : vars_) ctx.set_var(name, value.render(ctx));
        co_return false;
    }

private:
    std::vector<std::pair<std::string, Template>> vars_;
};

} // namespace

HandlerPtr make_vars(ObjectReader& r, BuildContext&) { return std::make_shared<Vars>(r); }

} // namespace proxflow
