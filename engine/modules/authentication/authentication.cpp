// `authentication` (Caddy's caddyauth): lets a request through when a provider vouches for its user,
// setting {http.auth.user.id}; otherwise ends it with 401. The one provider is http_basic, HTTP
// Basic authentication against bcrypt or scrypt hashes.
#include "http/field_lookup.hpp"
#include "http/request_context.hpp"
#include "module/build_context.hpp"
#include "module/handler.hpp"
#include "modules/authentication/password_hash.hpp"
#include "modules/authentication/verdict_cache.hpp"
#include "routing/response_writer.hpp"

#include <boost/algorithm/string/predicate.hpp>

#include <cstdlib>
#include <map>
#include <optional>

namespace proxflow {
namespace {

struct Account {
    std::string hash; // decoded: a bcrypt hash in Modular Crypt Format, or scrypt's key bytes
    std::string salt;
};

struct Credentials {
    std::string user;
    std::string password;
};

// Go's Request.BasicAuth: "Basic " (any case), then base64 of "user:password".
std::optional<Credentials> basic_credentials(const Request& req) {
    const beast::string_view value = field_value(req, http::field::authorization);
    constexpr std::string_view prefix = "Basic ";
    if (value.size() < prefix.size() || !boost::algorithm::iequals(value.substr(0, prefix.size()), prefix)) return std::nullopt;
    std::string decoded;
    if (!decode_base64(std::string_view(value.data(), value.size()).substr(prefix.size()), decoded)) return std::nullopt;
    const auto colon = decoded.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return Credentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

// Account fields go through Caddy's global replacer at provisioning: {env.NAME} is the variable's
// value; no other placeholder has a value there (Caddy's would be the system's: refused).
std::string expand_env(const std::string& value, const std::string& path) {
    std::string out;
    for (std::size_t i = 0; i < value.size();) {
        const auto open = value.find('{', i);
        if (open == std::string::npos) {
            out += value.substr(i);
            break;
        }
        const auto close = value.find('}', open);
        if (close == std::string::npos) {
            out += value.substr(i);
            break;
        }
        out += value.substr(i, open - i);
        const std::string key = value.substr(open + 1, close - open - 1);
        if (!key.starts_with("env."))
            throw ConfigError(path, "the placeholder {" + key + "} in an account is not supported by ProxFlow yet (only {env.*})");
        if (const char* v = std::getenv(key.substr(4).c_str())) out += v;
        i = close + 1;
    }
    return out;
}

class Authentication final : public Handler {
public:
    explicit Authentication(ObjectReader& r) {
        const json* providers = r.take("providers");
        if (!providers) return;
        const std::string path = r.path_of("providers");
        expect_object(*providers, path);
        for (auto it = providers->begin(); it != providers->end(); ++it) {
            if (it.key() != "http_basic")
                throw ConfigError(join_path(path, it.key()), "authentication provider \"" + it.key() + "\" is not supported by ProxFlow yet");
            read_http_basic(it.value(), join_path(path, it.key()));
        }
    }

    awaitable<bool> handle(RequestContext& ctx) const override {
        if (http_basic_) {
            if (auto credentials = basic_credentials(ctx.request())) {
                const auto account = accounts_.find(credentials->user);
                const bool exists = account != accounts_.end();
                // An unknown user is checked against a fake hash, so that timing does not tell who exists.
                // Named, not temporaries: GCC 12 mishandles temporaries that live across a co_await.
                const std::string& hashed = exists ? account->second.hash : hash_.fake_hash();
                const std::string& salt = exists ? account->second.salt : no_salt_;
                const bool same = co_await matches(hashed, salt, credentials->password);
                if (same && exists) {
                    ctx.set_matcher_placeholder("http.auth.user.id", credentials->user);
                    co_return false;
                }
            }
            ctx.response_headers_to_add.emplace_back("WWW-Authenticate", "Basic realm=\"" + realm_ + "\"");
        }
        co_await write_error(ctx, http::status::unauthorized);
        co_return true;
    }

private:
    void read_http_basic(const json& value, const std::string& path) {
        ObjectReader r(expect_object(value, path), path);
        hash_ = PasswordHash::from_json(r.take("hash"), r.path_of("hash"));
        realm_ = r.string("realm", "restricted");
        if (realm_.empty()) realm_ = "restricted";
        if (const json* cache = r.take("hash_cache")) {
            if (!cache->is_null()) {
                ObjectReader(expect_object(*cache, r.path_of("hash_cache")), r.path_of("hash_cache")).finish();
                cache_ = std::make_unique<VerdictCache>();
            }
        }
        if (const json* accounts = r.take("accounts")) {
            const std::string apath = r.path_of("accounts");
            expect_array(*accounts, apath);
            for (std::size_t i = 0; i < accounts->size(); ++i) read_account((*accounts)[i], index_path(apath, i));
        }
        r.finish();
        http_basic_ = true;
        checkers_ = std::make_unique<asio::thread_pool>(1);
    }

    void read_account(const json& value, const std::string& path) {
        ObjectReader r(expect_object(value, path), path);
        const std::string user = expand_env(r.string("username"), r.path_of("username"));
        if (accounts_.contains(user)) throw ConfigError(r.path_of("username"), "username is not unique: " + user);
        const std::string password = expand_env(r.string("password"), r.path_of("password"));
        const std::string salt = expand_env(r.string("salt"), r.path_of("salt"));
        r.finish();
        if (user.empty() || password.empty()) throw ConfigError(path, "username and password are required");
        Account account;
        // A password in Modular Crypt Format ("$2a$…") is the hash itself; otherwise it is base64 of it.
        if (password.starts_with("$")) account.hash = password;
        else if (!decode_base64(password, account.hash)) throw ConfigError(join_path(path, "password"), "is not base64");
        if (!salt.empty() && !decode_base64(salt, account.salt)) throw ConfigError(join_path(path, "salt"), "is not base64");
        accounts_.emplace(user, std::move(account));
    }

    // A bcrypt check at Caddy's cost 14 takes about a second: it runs on this handler's own thread,
    // not the engine thread serving the request, and its verdict is cached when the config asks.
    awaitable<bool> matches(const std::string& hashed, const std::string& salt, const std::string& plaintext) const {
        std::optional<VerdictCache::Key> key;
        if (cache_) {
            key = VerdictCache::key_of(hashed, salt, plaintext);
            if (const auto known = cache_->find(*key)) co_return *known;
        }
        auto [exception, same] = co_await asio::co_spawn(checkers_->get_executor(), check(hash_, hashed, salt, plaintext), use_nothrow);
        if (exception) co_return false;
        if (cache_) cache_->store(*key, same);
        co_return same;
    }

    static awaitable<bool> check(const PasswordHash& hash, const std::string& hashed, const std::string& salt, const std::string& plaintext) {
        co_return hash.matches(hashed, salt, plaintext);
    }

    bool http_basic_ = false;
    const std::string no_salt_;
    PasswordHash hash_;
    std::string realm_;
    std::map<std::string, Account> accounts_;
    std::unique_ptr<VerdictCache> cache_;
    std::unique_ptr<asio::thread_pool> checkers_;
};

} // namespace

HandlerPtr make_authentication(ObjectReader& r, BuildContext&) { return std::make_shared<Authentication>(r); }

} // namespace proxflow
