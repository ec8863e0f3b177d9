// `reverse_proxy`: picks an upstream, streams the request to it over a kept-alive connection and
// streams the response back, with retries, passive and active health checks, and header rewriting.
#include "http/client_ip.hpp"
#include "http/field_lookup.hpp"
#include "http/ip_range.hpp"
#include "http/max_forwards.hpp"
#include "http/proxied_response.hpp"
#include "http/read_with_parser.hpp"
#include "http/relay.hpp"
#include "http/request_context.hpp"
#include "http/response_filter.hpp"
#include "http/served_methods.hpp"
#include "module/build_context.hpp"
#include "modules/reverse_proxy/circuit_breaker.hpp"
#include "modules/reverse_proxy/connection_pool.hpp"
#include "modules/reverse_proxy/dynamic_upstreams.hpp"
#include "modules/reverse_proxy/forwarded_headers.hpp"
#include "modules/reverse_proxy/gunzip_filter.hpp"
#include "modules/reverse_proxy/health_checks.hpp"
#include "modules/reverse_proxy/hop_by_hop.hpp"
#include "modules/reverse_proxy/lb_policies.hpp"
#include "modules/reverse_proxy/response_handlers.hpp"
#include "modules/reverse_proxy/reverse_proxy_config.hpp"
#include "modules/reverse_proxy/scratch_buffer.hpp"
#include "modules/reverse_proxy/transport.hpp"
#include "modules/reverse_proxy/upstream_dialer.hpp"
#include "routing/header_ops.hpp"
#include "routing/matcher.hpp"
#include "routing/response_writer.hpp"
#include "routing/server_runtime.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace proxflow {
namespace {

using Clock = std::chrono::steady_clock;

// continue_chain: handle_response routes ran without ending the chain (forward_auth's 2xx), so
// the handlers after this one run next, as in Caddy where those routes are compiled with `next`.
enum class Outcome { done, continue_chain, dial_failed, failed_before_response, timed_out, failed_after_request_sent };

template <class Stream>
void set_expiry(Stream& stream, std::chrono::nanoseconds timeout) {
    if (timeout.count() > 0) stream.expires_after(timeout);
    else stream.expires_never();
}

// Counts a request at its upstream until the upstream has sent the whole response, not until the
// client has it: the client's next request may reach another worker before this one's last write
// returns, and must not find the upstream still busy (unhealthy_request_count, least_conn).
class ActiveRequest {
public:
    explicit ActiveRequest(UpstreamHost& host) : host_(&host) { host.active_requests.fetch_add(1, std::memory_order_relaxed); }
    ActiveRequest(const ActiveRequest&) = delete;
    ActiveRequest& operator=(const ActiveRequest&) = delete;
    ~ActiveRequest() { release(); }
    void release() {
        if (host_) std::exchange(host_, nullptr)->active_requests.fetch_sub(1, std::memory_order_relaxed);
    }

private:
    UpstreamHost* host_;
};

// One attempt at an upstream as its circuit sees it: a half-open circuit's trial is given back
// however the attempt ends; an attempt that ends without a verdict (the client went away) is not counted.
class CircuitAttempt {
public:
    CircuitAttempt(const CircuitBreaker* breaker, UpstreamHost& host, CircuitBreaker::Attempt kind)
        : breaker_(breaker), host_(host), kind_(kind) {}
    CircuitAttempt(const CircuitAttempt&) = delete;
    CircuitAttempt& operator=(const CircuitAttempt&) = delete;
    ~CircuitAttempt() {
        if (breaker_ && kind_ == CircuitBreaker::Attempt::trial) host_.circuit.trials_in_flight.fetch_sub(1, std::memory_order_acq_rel);
    }
    void finish(bool failed) {
        if (breaker_) std::exchange(breaker_, nullptr)->finish(host_, kind_, failed);
    }

private:
    const CircuitBreaker* breaker_;
    UpstreamHost& host_;
    CircuitBreaker::Attempt kind_;
};

// The response header an attempt got, for its circuit and the adaptive policy; status 0: none.
struct Answer {
    unsigned status = 0;
    std::chrono::nanoseconds time_to_header{};
};

// A request's exchange with one upstream once the response header is in: what streaming the
// response to the client needs, whether proxy_to does it or a handle_response route's copy_response.
struct UpstreamExchange {
    const Upstream& up;
    std::unique_ptr<UpstreamConnection>& conn;
    ResponseParser& response;
    ScratchBuffer& scratch;
    ActiveRequest& active;
    bool upstream_keeps_alive;
    bool gunzip;
};

class ReverseProxy final : public Handler {
public:
    ReverseProxy(const ReverseProxyConfig& config, BuildContext& build) {
        if (config.transport) transport_ = UpstreamTransport(*config.transport);
        dialer_ = std::make_unique<UpstreamDialer>(transport_);
        if (transport_.max_conns_per_host) limit_ = std::make_shared<ConnectionLimit>(transport_.max_conns_per_host);
        request_piece_size_ = std::min(ScratchBuffer::capacity, transport_.write_buffer_size);
        const auto& checks = config.health_checks;
        if (checks && checks->passive) passive_ = PassiveHealthCheck(*checks->passive);
        if (config.circuit_breaker)
            breaker_ = std::make_shared<const CircuitBreaker>(
                *config.circuit_breaker, build.state.get_or_make<CircuitEventLog>("", [] { return std::make_shared<CircuitEventLog>(); }));
        const auto& lb = config.load_balancing;
        records_load_ = lb && lb->selection_policy && lb->selection_policy->policy == "adaptive";
        // What this handler's health checks, breaker and policy put on each upstream it dials.
        auto fit = [passive = passive_, breaker = breaker_, records_load = records_load_](Upstream& up) {
            passive.limit(up);
            up.breaker = breaker;
            if (breaker) breaker->watch(*up.host);
            up.watch(breaker != nullptr, records_load);
        };
        if (config.dynamic_upstreams) dynamic_ = std::make_unique<DynamicUpstreams>(*config.dynamic_upstreams, build.state, fit);
        for (const auto& entry : config.upstreams) {
            Upstream up = Upstream::from_dial(entry.dial.value, entry.dial.path, build.state);
            up.max_requests = entry.max_requests;
            fit(up);
            upstreams_.push_back(std::move(up));
        }
        // Before its first update an adaptive policy weighs every upstream the same; say so.
        if (records_load_)
            for (const auto& up : upstreams_)
                if (up.host->load.weight.load(std::memory_order_relaxed) < 0)
                    up.host->load.weight.store(1.0 / static_cast<double>(upstreams_.size()), std::memory_order_relaxed);
        if (lb) {
            policy_ = make_selection_policy(lb->selection_policy ? &*lb->selection_policy : nullptr, upstreams_.size());
            retries_ = lb->retries;
            try_duration_ = lb->try_duration;
            try_interval_ = lb->try_interval;
            if (try_duration_.count() > 0 && try_interval_.count() == 0) try_interval_ = std::chrono::milliseconds(250);
            if (!lb->retry_match.value.is_null()) retry_match_ = MatcherSets::from_json(lb->retry_match.value, lb->retry_match.path);
        } else {
            policy_ = make_selection_policy(nullptr, upstreams_.size());
        }
        trusted_proxies_ = parse_ip_ranges(config.trusted_proxies.value, config.trusted_proxies.path);
        if (const auto& headers = config.headers) {
            if (!headers->request.value.is_null()) header_up_ = HeaderOps::from_json(headers->request.value, headers->request.path);
            if (!headers->response.value.is_null())
                header_down_ = HeaderOps::from_response_json(headers->response.value, headers->response.path);
        }
        // flush_interval needs nothing: responses are streamed and flushed piece by piece already (-1).
        if (!config.handle_response.value.is_null())
            response_handlers_ = ResponseHandlers::from_json(config.handle_response.value, config.handle_response.path, build);
        if (!config.rewrite.value.is_null()) build_rewrite(config.rewrite, build);
        keeps_original_request_ = rewrite_ || response_handlers_.has_routes();
        if (checks && checks->active) {
            const ActiveHealthCheck active(*checks->active);
            if (active.enabled()) build.tasks.push_back(make_active_health_checker(active, upstreams_, build.background));
        }
    }

    awaitable<bool> handle(RequestContext& ctx) const override {
        if (must_answer_instead_of_forwarding(ctx.request())) {
            http::response<http::string_body> res{http::status::ok, 11};
            res.set(http::field::allow, served_methods);
            co_await write_response(ctx, res);
            co_return true;
        }
        // The upstream's request is the client's rewritten in place; when handle_response routes or
        // later handlers may still see the request, or a rewrite applies, the client's is put back.
        OriginalRequest original(ctx, keeps_original_request_);
        prepare_upstream_request(ctx);
        bool send_body = true;
        if (rewrite_) {
            // After header_up: its placeholders ({http.request.method}, {http.request.uri}) read the
            // client's request, as Caddy renders them with the original request's replacer.
            auto& req = ctx.request();
            const std::string method(req.method_string()), target(req.target());
            co_await rewrite_->handle(ctx);
            if (!rewrite_method_.empty()) req.method_string(rewrite_method_);
            const bool changed = method != req.method_string() || target != req.target();
            send_body = !(changed && rewrite_drops_body_);
            if (!send_body) {
                req.erase(http::field::content_length);
                req.erase(http::field::transfer_encoding);
            }
        }
        const bool asked_gzip = transport_.compression && ask_for_gzip(ctx.request());
        const auto start = Clock::now();
        // Found in DNS now (or cached); when the lookup fails, the static list serves, as in Caddy.
        DynamicUpstreams::List found;
        if (dynamic_) found = co_await dynamic_->get(ctx);
        const std::vector<Upstream>& pool = found ? *found : upstreams_;
        for (int attempt = 0;; ++attempt) {
            CircuitBreaker::Attempt kind = CircuitBreaker::Attempt::normal;
            const Upstream* up = pick(pool, ctx, kind);
            Outcome outcome = Outcome::dial_failed;
            if (up) {
                std::optional<Upstream> resolved;
                if (up->dial_template) {
                    std::string error;
                    resolved = up->resolved(ctx, error);
                    if (!resolved) {
                        // Caddy's "making dial info" error: a 500, not retried.
                        ctx.upstream_hostport.clear();
                        co_await write_error(ctx, http::status::internal_server_error);
                        co_return true;
                    }
                }
                const Upstream& target = resolved ? *resolved : *up;
                ctx.upstream_hostport = target.dial;
                CircuitAttempt circuit(breaker_.get(), *target.host, kind);
                Answer answer;
                const auto attempt_began = records_load_ ? Clock::now() : Clock::time_point{}; // failures' load
                outcome = co_await proxy_to(target, ctx, send_body, asked_gzip, original, answer, circuit);
                judge(target, outcome, answer, attempt_began, circuit);
                if (outcome == Outcome::done) co_return true;
                if (outcome == Outcome::continue_chain) co_return false;
                count_failure(target, ctx);
            }
            // A request that never reached an upstream can always go again; one that reached it
            // only when it is safe to repeat: idempotent, or named by retry_match.
            const bool retryable = outcome == Outcome::dial_failed ||
                                   (outcome == Outcome::failed_before_response && may_repeat(ctx));
            if (retryable && try_again(start, attempt)) {
                if (try_interval_.count() > 0) {
                    asio::steady_timer timer(ctx.client.get_executor(), try_interval_);
                    co_await timer.async_wait(use_nothrow);
                }
                continue;
            }
            ctx.upstream_hostport.clear();
            if (!up) {
                // Every circuit open: say when the first may take a trial, as a 503 should.
                if (const long seconds = breaker_ ? breaker_->retry_after(pool) : 0)
                    ctx.response_headers_to_add.emplace_back("Retry-After", std::to_string(seconds));
                co_await write_error(ctx, http::status::service_unavailable);
            }
            else if (outcome == Outcome::timed_out) co_await write_error(ctx, http::status::gateway_timeout);
            else co_await write_error(ctx, http::status::bad_gateway);
            co_return true;
        }
    }

private:
    // Holds the client's request header while the upstream's is built from it in place.
    class OriginalRequest {
    public:
        OriginalRequest(RequestContext& ctx, bool keep) : ctx_(ctx) {
            if (keep) saved_ = ctx.request().base();
        }
        ~OriginalRequest() { restore(); }
        void restore() {
            if (!saved_) return;
            ctx_.request().base() = std::move(*saved_);
            saved_.reset();
        }

    private:
        RequestContext& ctx_;
        std::optional<http::request_header<>> saved_;
    };

    // The response handed to handle_response routes; copy_response streams it as proxy_to would.
    class UpstreamResponse final : public ProxiedResponse {
    public:
        UpstreamResponse(const ReverseProxy& proxy, UpstreamExchange& exchange) : proxy_(proxy), exchange_(exchange) {}
        const http::response_header<>& header() const override { return exchange_.response.get().base(); }
        bool copied() const { return copied_; }
        awaitable<void> copy_to_client(RequestContext& ctx, unsigned status) override {
            if (copied_) co_return;
            copied_ = true;
            if (status) {
                exchange_.response.get().result(status);
                exchange_.response.get().reason({});
            }
            co_await proxy_.stream_response(exchange_, ctx);
        }

    private:
        const ReverseProxy& proxy_;
        UpstreamExchange& exchange_;
        bool copied_ = false;
    };

    // The rewrite's method changes after its URI: Caddy rewrites a clone, so the URI's placeholders
    // ({http.request.method}) still read the client's request.
    void build_rewrite(const Located<json>& rewrite, BuildContext& build) {
        json as_handler = rewrite.value;
        if (const auto method = as_handler.find("method"); method != as_handler.end()) {
            if (!method->is_string()) throw ConfigError(join_path(rewrite.path, "method"), "expected a string");
            rewrite_method_ = method->get<std::string>();
            for (auto& c : rewrite_method_) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            as_handler.erase(method);
        }
        // As Caddy: a request rewritten to GET or HEAD goes to the upstream without its body.
        rewrite_drops_body_ = rewrite_method_ == "GET" || rewrite_method_ == "HEAD";
        as_handler["handler"] = "rewrite";
        rewrite_ = build_handler(as_handler, rewrite.path, build);
    }

    bool may_repeat(const RequestContext& ctx) const {
        if (!retry_match_.empty()) return retry_match_.match(ctx);
        const auto method = ctx.request().method();
        return method == http::verb::get || method == http::verb::head || method == http::verb::options;
    }

    // The policy's pick, holding a trial when its circuit is half-open (another request may have taken
    // the last one since the policy looked: pick again). When nothing is available, ramping-up
    // upstreams are taken at full share rather than failing the request.
    const Upstream* pick(const std::vector<Upstream>& pool, RequestContext& ctx, CircuitBreaker::Attempt& kind) const {
        if (!breaker_) return policy_->select(pool, ctx);
        for (int round = 0; round < 4; ++round) {
            const Upstream* up = policy_->select(pool, ctx);
            if (!up) {
                const CircuitBreaker::FullShare full_share;
                up = policy_->select(pool, ctx);
            }
            if (!up) return nullptr;
            kind = breaker_->begin(*up->host);
            if (kind != CircuitBreaker::Attempt::refused) return up;
        }
        return nullptr;
    }

    // One sample for the adaptive policy, and the circuit's verdict on an attempt that got no answer
    // (proxy_to judged those that did on their header): no connection, a timeout, no response.
    static constexpr std::chrono::seconds failure_load{1};
    void judge(const Upstream& up, Outcome outcome, const Answer& answer, Clock::time_point attempt_began,
               CircuitAttempt& circuit) const {
        const bool answered = outcome == Outcome::done || outcome == Outcome::continue_chain;
        if (records_load_ && (answer.status || !answered)) {
            // A failure weighs at least a second: a backend that fails fast must not look fastest.
            const auto time = answer.status ? answer.time_to_header : Clock::now() - attempt_began;
            const bool failed = !answer.status || answer.status >= 500;
            up.host->load.record(failed ? std::max<std::chrono::nanoseconds>(time, failure_load) : time);
        }
        if (breaker_ && !answered) circuit.finish(true); // (an attempt the client ended is given no verdict)
    }

    void count_failure(const Upstream& up, RequestContext& ctx) const {
        if (ctx.count_metrics) up.host->counters.local().failures.add();
        passive_.count_failure(up.host, ctx.client.get_executor());
    }

    bool try_again(Clock::time_point start, int attempts_done) const {
        if (attempts_done < retries_) return true;
        return try_duration_.count() > 0 && Clock::now() - start < try_duration_;
    }

    // Rewrites the client's request in place into what the upstream gets: hop-by-hop headers out,
    // X-Forwarded-* in, header_up applied. Done once, so retries send the same request.
    void prepare_upstream_request(RequestContext& ctx) const {
        auto& req = ctx.request();
        const bool upgrade = is_upgrade_request(req);
        const std::string upgrade_protocol = upgrade ? std::string(req[http::field::upgrade]) : std::string{};
        remove_hop_by_hop(req.base());
        if (upgrade) {
            req.set(http::field::connection, "Upgrade");
            req.set(http::field::upgrade, upgrade_protocol);
        }
        const std::string client_ip = ip_text(ctx.remote.address());
        // The handler's own trusted_proxies (Caddy 2.5) or its server's (Caddy 2.6 and later).
        const bool trusted = from_trusted_proxy(ctx) ||
                             std::any_of(trusted_proxies_.begin(), trusted_proxies_.end(),
                                         [&](const IpRange& r) { return r.contains(ctx.remote.address()); });
        set_forwarded_headers(req.base(), client_ip, ctx.scheme(), trusted);
        if (!header_up_.empty()) header_up_.apply(req.base(), ctx);
        req.version(11);
    }

    // A pooled connection to up, or a new one when the transport's max_conns_per_host has room
    // (or frees some within the wait a response header is allowed); null with why when neither.
    awaitable<std::unique_ptr<UpstreamConnection>> open_connection(const Upstream& up, RequestContext& ctx, Outcome& failure) const {
        std::unique_ptr<ConnectionSlot> slot;
        if (limit_) {
            slot = co_await limit_->acquire(up.dial, transport_.response_header_wait());
            failure = Outcome::timed_out;
            if (!slot) co_return nullptr;
        }
        auto conn = co_await dialer_->dial(up, ctx.client.get_executor());
        failure = Outcome::dial_failed;
        if (conn) conn->slot = std::move(slot);
        co_return conn;
    }

    std::unique_ptr<UpstreamConnection> take_pooled(const Upstream& up, RequestContext& ctx) const {
        ConnectionPool& pool = ctx.thread_state.get<ConnectionPool>();
        return limit_ ? pool.take(limit_->pool_key(up.dial)) : pool.take(up.dial);
    }

    void pool_again(const Upstream& up, std::unique_ptr<UpstreamConnection> conn, RequestContext& ctx) const {
        conn->stream.expires_never();
        ConnectionPool& pool = ctx.thread_state.get<ConnectionPool>();
        const auto max_idle = transport_.max_idle_conns_per_host;
        const auto idle_timeout = transport_.keep_alive_idle_timeout;
        if (limit_) pool.put(limit_->pool_key(up.dial), std::move(conn), max_idle, idle_timeout);
        else pool.put(up.dial, std::move(conn), max_idle, idle_timeout);
    }

    awaitable<Outcome> proxy_to(const Upstream& up, RequestContext& ctx, bool send_body, bool asked_gzip,
                                OriginalRequest& original, Answer& answer, CircuitAttempt& circuit) const {
        auto& req = ctx.request();
        const bool has_body = send_body && !ctx.parser.is_done();
        const bool waits_for_continue = has_body && transport_.expect_continue_timeout.count() > 0 &&
                                        beast::iequals(field_value(req, http::field::expect), "100-continue");
        bool answered_before_body = false;
        const auto sent_at = Clock::now();
        ScratchBuffer scratch;
        ActiveRequest active(*up.host);
        if (field_value(req, http::field::host).empty()) req.set(http::field::host, up.dial);

        std::unique_ptr<UpstreamConnection> conn;
        std::optional<ResponseParser> response;
        // A reused connection the upstream closed while idle fails without a response byte;
        // such a request goes again once on a fresh connection (when its body is still unread).
        for (int round = 0; round < 2 && !response; ++round) {
            if (round == 0) conn = take_pooled(up, ctx);
            if (conn && has_body && !conn->looks_open()) conn.reset();
            if (!conn) {
                Outcome failure = Outcome::dial_failed;
                conn = co_await open_connection(up, ctx, failure);
                if (!conn) co_return failure;
            }
            const bool reused = conn->reused;

            if (waits_for_continue) {
                const Continue go_on = co_await ask_to_continue(ctx, *conn, response);
                if (go_on == Continue::timed_out) co_return Outcome::timed_out;
                if (go_on == Continue::failed) co_return Outcome::failed_before_response;
                answered_before_body = go_on == Continue::answered;
                if (answered_before_body) break;
            } else if (has_body) {
                co_await send_continue_if_expected(ctx);
            }
            set_expiry(conn->stream, transport_.write_timeout);
            const RelayResult sent =
                send_body ? co_await relay_message(ctx.client, ctx.client_buffer, ctx.parser, conn->stream, scratch.data(),
                                                   request_piece_size_,
                                                   RelayTimeouts{.read = ctx.server.timeouts.body_read_gap(),
                                                                 .write = transport_.write_timeout},
                                                   waits_for_continue)
                          : co_await send_header_only(req, conn->stream);
            ctx.bytes_read += sent.body_bytes;
            if (sent.status == RelayStatus::too_large || sent.status == RelayStatus::malformed) {
                // request_body's cap, or chunk framing that broke: the upstream has a cut-off
                // request, so its connection goes, and the client's too once it has its answer.
                ctx.close_connection = true;
                co_await write_error(ctx, sent.status == RelayStatus::too_large ? http::status::payload_too_large
                                                                                : http::status::bad_request);
                co_return Outcome::done;
            }
            if (sent.status == RelayStatus::read_failed) {
                // The client went away or paused mid-body past its timeout: nothing left to answer.
                ctx.close_connection = true;
                ctx.responded = true;
                co_return Outcome::done;
            }
            if (sent.status == RelayStatus::write_failed) {
                if (reused && !has_body) {
                    conn.reset();
                    continue;
                }
                co_return has_body ? Outcome::failed_after_request_sent : Outcome::failed_before_response;
            }

            new_response(response, req);
            set_expiry(conn->stream, transport_.response_header_wait());
            auto [ec, n] = co_await read_header(conn->stream, conn->buffer, *response);
            // Informational answers (other than 101) are not forwarded; the final one follows.
            while (!ec && response->get().result_int() / 100 == 1 && response->get().result_int() != 101) {
                new_response(response, req);
                std::tie(ec, n) = co_await read_header(conn->stream, conn->buffer, *response);
            }
            if (ec) {
                response.reset();
                if (ec == beast::error::timeout) co_return Outcome::timed_out;
                if (reused && !has_body && conn->buffer.size() == 0) {
                    conn.reset();
                    continue;
                }
                co_return has_body ? Outcome::failed_after_request_sent : Outcome::failed_before_response;
            }
        }
        if (!response) co_return Outcome::failed_before_response;

        auto& res = response->get();
        const unsigned status = res.result_int();
        answer = {status, Clock::now() - sent_at};
        // Judged on the header, before the client has it: its next request already sees the circuit
        // this answer opened.
        if (breaker_) circuit.finish(breaker_->is_failure(status, answer.time_to_header));
        if (ctx.count_metrics)
            up.host->counters.local().record(status, static_cast<std::uint64_t>(
                std::chrono::duration_cast<std::chrono::microseconds>(answer.time_to_header).count()));
        // Read before the header is edited for the client: whether the upstream keeps the connection
        // (not when it answered without the body it was promised).
        const bool upstream_keeps_alive = response->keep_alive() && !answered_before_body; // the parser's flags
        const bool gunzip = asked_gzip && gunzip_upstream_body(*response);
        if (passive_.status_is_failure(status) ||
            (passive_.unhealthy_latency.count() > 0 && answer.time_to_header > passive_.unhealthy_latency))
            count_failure(up, ctx);

        if (status == 101) {
            remove_hop_by_hop(res.base());
            res.set(http::field::connection, "Upgrade");
            res.set(http::field::upgrade, req[http::field::upgrade]);
            ctx.close_connection = true;
            finalize_response_header(ctx, res.base());
            res.set(http::field::connection, "Upgrade");
            std::string head;
            serialize_header(res.base(), head);
            auto [ec, n] = co_await asio::async_write(ctx.client, asio::buffer(head), use_nothrow);
            ctx.bytes_written += n;
            if (!ec) co_await tunnel(ctx.client, ctx.client_buffer, conn->stream, conn->buffer);
            co_return Outcome::done;
        }

        // From here on the client's request is what counts (HEAD or not, header_down placeholders).
        original.restore();
        UpstreamExchange exchange{up, conn, *response, scratch, active, upstream_keeps_alive, gunzip};
        if (!response_handlers_.empty()) {
            if (const ResponseHandler* handler = response_handlers_.select(res)) {
                if (!handler->status_code) {
                    co_return co_await run_response_routes(*handler, exchange, ctx, original);
                }
                // replace_status: a new code, then the response streams as usual.
                const auto code = render_status(*handler->status_code, ctx);
                if (!code) {
                    co_await write_error(ctx, http::status::internal_server_error);
                    co_return Outcome::done;
                }
                if (*code) {
                    res.result(*code);
                    res.reason({});
                }
            }
        }
        co_await stream_response(exchange, ctx);
        co_return Outcome::done;
    }

    awaitable<Outcome> run_response_routes(const ResponseHandler& handler, UpstreamExchange& exchange, RequestContext& ctx,
                                           OriginalRequest& original) const {
        // The routes (and whatever runs after them) see the client's request, as Caddy's origReq.
        original.restore();
        ctx.handled_response_header = exchange.response.get().base();
        UpstreamResponse handed(*this, exchange);
        ProxiedResponse* outer = ctx.proxied_response;
        ctx.proxied_response = &handed;
        const bool ended = co_await handler.routes.run(ctx);
        ctx.proxied_response = outer;
        // A body nobody copied is left unread and the connection goes with it; one without a body
        // (forward_auth's usual 2xx) leaves the connection reusable.
        if (exchange.conn && !handed.copied() && exchange.response.is_done() && transport_.keep_alive &&
            exchange.upstream_keeps_alive)
            pool_again(exchange.up, std::move(exchange.conn), ctx);
        co_return ended ? Outcome::done : Outcome::continue_chain;
    }

    awaitable<RelayResult> send_header_only(const Request& req, beast::tcp_stream& stream) const {
        std::string head;
        serialize_header(req.base(), head);
        auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head), use_nothrow);
        co_return RelayResult{ec ? RelayStatus::write_failed : RelayStatus::done, 0, n};
    }

    // Streams the upstream's response to the client and pools the connection when it is reusable.
    awaitable<void> stream_response(UpstreamExchange& exchange, RequestContext& ctx) const {
        auto& [up, conn, response, scratch, active, upstream_keeps_alive, gunzip] = exchange;
        // Innermost, for this body only: later responses of the request (handle_response) are not gzip.
        InstalledFilter gunzipped(ctx, gunzip ? std::make_unique<GunzipFilter>() : nullptr);
        const bool filtered = prepare_client_response(ctx, response);
        if (ctx.request().method() == http::verb::head && !response.is_done()) {
            // A HEAD the rewrite turned into GET: the client gets the header only; the body stays
            // unread and the connection is not reused.
            std::string head;
            serialize_header(response.get().base(), head);
            auto [ec, n] = co_await asio::async_write(ctx.client, asio::buffer(head), use_nothrow);
            ctx.bytes_written += n;
            if (ec) ctx.close_connection = true;
            co_return;
        }
        set_expiry(conn->stream, transport_.read_timeout);
        set_expiry(ctx.client, ctx.server.timeouts.write);
        const RelayTimeouts timeouts{.read = transport_.read_timeout};
        // Through exchange: clang before 16 cannot capture a structured binding (the fuzzer builds with clang 14).
        const auto upstream_done = [&exchange] { exchange.active.release(); };
        RelayResult relayed;
        if (filtered) {
            ResponseBodyWriter writer(ctx, response.get().base());
            relayed = co_await relay_message(conn->stream, conn->buffer, response, writer, scratch.data(), scratch.size(),
                                             timeouts, false, upstream_done);
        } else {
            relayed = co_await relay_message(conn->stream, conn->buffer, response, ctx.client, scratch.data(), scratch.size(),
                                             timeouts, false, upstream_done);
            ctx.bytes_written += relayed.bytes_written;
            ctx.body_bytes_written += relayed.body_bytes;
        }
        ctx.client.expires_never();
        if (relayed.status != RelayStatus::done) {
            // The response has started: the only honest signal left is closing the connection.
            ctx.close_connection = true;
            if (relayed.status != RelayStatus::write_failed) count_failure(up, ctx);
            co_return;
        }
        if (transport_.keep_alive && upstream_keeps_alive && response.is_done()) pool_again(up, std::move(conn), ctx);
    }

    // Returns whether the body goes through the request's response filters (a body, and filters).
    bool prepare_client_response(RequestContext& ctx, ResponseParser& parser) const {
        auto& res = parser.get();
        const bool upstream_chunked = says_chunked(res);
        remove_hop_by_hop(res.base());
        if (!header_down_.empty() && header_down_.applies_to(res.base(), ctx)) header_down_.apply(res.base(), ctx);
        const bool bodiless = ctx.request().method() == http::verb::head || res.result_int() == 204 || res.result_int() == 304;
        if (!bodiless && (upstream_chunked || parser.need_eof())) {
            // Unknown length: chunk it for HTTP/1.1 clients; HTTP/1.0 clients read to the close.
            // (An HTTP/1.0 client must not see the upstream's Transfer-Encoding: the body goes de-chunked.)
            if (ctx.client_version >= 11) {
                res.chunked(true);
            } else {
                res.chunked(false);
                ctx.close_connection = true;
            }
        }
        finalize_response_header(ctx, res.base());
        return !bodiless && !ctx.response_filters.empty();
    }

    // transport.expect_continue_timeout, as Go's: the header goes alone, and the body only once the
    // upstream says 100 Continue or stays silent for the timeout. A final answer before that is
    // the response, and the body is never sent (nor read from the client, who was told nothing).
    enum class Continue { send_body, answered, failed, timed_out };
    awaitable<Continue> ask_to_continue(RequestContext& ctx, UpstreamConnection& conn, std::optional<ResponseParser>& response) const {
        using namespace asio::experimental::awaitable_operators;
        auto& req = ctx.request();
        set_expiry(conn.stream, transport_.write_timeout);
        if ((co_await send_header_only(req, conn.stream)).status != RelayStatus::done) co_return Continue::failed;
        if (conn.buffer.size() == 0) {
            asio::steady_timer timer(conn.stream.get_executor(), transport_.expect_continue_timeout);
            auto which = co_await (conn.stream.socket().async_wait(tcp::socket::wait_read, use_nothrow) || timer.async_wait(use_nothrow));
            if (which.index() == 1) {
                co_await send_continue_if_expected(ctx);
                co_return Continue::send_body;
            }
        }
        set_expiry(conn.stream, transport_.response_header_wait());
        for (;;) {
            new_response(response, req);
            auto [ec, n] = co_await read_header(conn.stream, conn.buffer, *response);
            if (ec) {
                response.reset();
                co_return ec == beast::error::timeout ? Continue::timed_out : Continue::failed;
            }
            const unsigned status = response->get().result_int();
            if (status == 100) break;
            if (status / 100 != 1 || status == 101) co_return Continue::answered;
        }
        response.reset();
        co_await send_continue_if_expected(ctx);
        co_return Continue::send_body;
    }

    void new_response(std::optional<ResponseParser>& response, const Request& req) const {
        response.emplace();
        response->body_limit(boost::none);
        response->header_limit(static_cast<std::uint32_t>(transport_.max_response_header_size));
        if (req.method() == http::verb::head) response->skip(true);
    }

    // Go's transport asks for gzip itself when the client did not say what it takes (and wants no
    // range of the body); the answer is then gunzipped for it. This runs for most requests: one
    // walk comparing Beast's field codes, where a lookup by name would compare strings.
    static bool ask_for_gzip(Request& req) {
        if (req.method() == http::verb::head) return false;
        for (const auto& field : req)
            if ((field.name() == http::field::accept_encoding || field.name() == http::field::range) && !field.value().empty())
                return false;
        req.insert(http::field::accept_encoding, "gzip");
        return true;
    }

    // Whether the upstream took up the proxy's own offer of gzip: then the header loses
    // Content-Encoding and Content-Length here, before anything else sees it, as in Go.
    static bool gunzip_upstream_body(ResponseParser& response) {
        auto& res = response.get();
        const unsigned status = res.result_int();
        if (status == 204 || status == 304 || status / 100 == 1 || response.is_done()) return false;
        if (!beast::iequals(field_value(res, http::field::content_encoding), "gzip")) return false;
        res.erase(http::field::content_encoding);
        res.erase(http::field::content_length);
        return true;
    }

    // A response filter in ctx for the length of one body.
    class InstalledFilter {
    public:
        InstalledFilter(RequestContext& ctx, std::unique_ptr<ResponseFilter> filter) : ctx_(ctx), installed_(filter != nullptr) {
            if (installed_) ctx_.response_filters.push_back(std::move(filter));
        }
        ~InstalledFilter() {
            if (installed_) ctx_.response_filters.pop_back();
        }
        InstalledFilter(const InstalledFilter&) = delete;
        InstalledFilter& operator=(const InstalledFilter&) = delete;

    private:
        RequestContext& ctx_;
        const bool installed_;
    };

    awaitable<void> send_continue_if_expected(RequestContext& ctx) const {
        auto& req = ctx.request();
        if (!beast::iequals(field_value(req, http::field::expect), "100-continue")) co_return;
        // Like nginx, the proxy answers the expectation itself and streams the body on.
        req.erase(http::field::expect);
        static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(ctx.client, asio::buffer(continue_line), use_nothrow);
    }

    UpstreamTransport transport_;
    std::unique_ptr<UpstreamDialer> dialer_;
    std::shared_ptr<ConnectionLimit> limit_; // transport.max_conns_per_host; null: no limit
    std::size_t request_piece_size_ = ScratchBuffer::capacity;
    PassiveHealthCheck passive_;
    std::shared_ptr<const CircuitBreaker> breaker_; // null: no circuit_breaker
    bool records_load_ = false;                     // lb_policy adaptive
    std::vector<Upstream> upstreams_;
    std::unique_ptr<DynamicUpstreams> dynamic_;
    std::unique_ptr<SelectionPolicy> policy_;
    int retries_ = 0;
    MatcherSets retry_match_;
    std::chrono::nanoseconds try_duration_{};
    std::chrono::nanoseconds try_interval_{};
    std::vector<IpRange> trusted_proxies_;
    HeaderOps header_up_;
    HeaderOps header_down_;
    ResponseHandlers response_handlers_;
    HandlerPtr rewrite_;
    std::string rewrite_method_;
    bool rewrite_drops_body_ = false;
    bool keeps_original_request_ = false;
};

} // namespace

HandlerPtr make_reverse_proxy(ObjectReader& r, BuildContext& build) {
    const ReverseProxyConfig config = ReverseProxyConfig::from_json(r);
    config.check_supported(r.path());
    return std::make_shared<ReverseProxy>(config, build);
}

} // namespace proxflow
