#include "server/client_connection.hpp"

#include "http/field_lookup.hpp"
#include "http/read_with_parser.hpp"
#include "http/request_context.hpp"
#include "http/served_methods.hpp"
#include "logging/access_log.hpp"
#include "metrics/merge.hpp"
#include "routing/response_writer.hpp"
#include "server/request_checks.hpp"
#include "server/worker.hpp"
#include "tls/acme/challenge_store.hpp"
#include "tls/server_tls.hpp"

namespace proxflow {
namespace {

// What to answer when a request header cannot be parsed; unknown means just close. Over the header
// limit, a request line that did not even end in it is a 414 (RFC 9112 §3), the header a 431.
http::status status_for_parse_error(const error_code& ec, const beast::flat_buffer& unparsed) {
    if (ec == http::error::header_limit) {
        const std::string_view held(static_cast<const char*>(unparsed.data().data()), unparsed.size());
        return held.find('\n') == std::string_view::npos ? http::status::uri_too_long
                                                          : http::status::request_header_fields_too_large;
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
        return http::status::unknown;
    return http::status::bad_request;
}

awaitable<void> reply_and_close(ClientStream& stream, http::status status) {
    http::response<http::string_body> res{status, 11};
    res.set(http::field::server, "ProxFlow");
    res.set(http::field::connection, "close");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    if (status == http::status::method_not_allowed) res.set(http::field::allow, served_methods);
    res.body() = std::string(http::obsolete_reason(status)) + "\n";
    res.prepare_payload();
    stream.expires_after(std::chrono::seconds(5));
    co_await http::async_write(stream, res, use_nothrow);
}

// An ACME http-01 request for a token an order waits on, answered before any route as Caddy does;
// nothing when the request is not one (only requests under the challenge path look in the store).
std::optional<std::string> acme_http_answer(const Request& req) {
    if (req.method() != http::verb::get || !req.target().starts_with(tls::acme::http_challenge_prefix)) return std::nullopt;
    const auto& store = tls::acme::ChallengeStore::shared();
    auto token = req.target().substr(tls::acme::http_challenge_prefix.size());
    return store.http_answer(req[http::field::host], std::string_view(token.data(), token.size()));
}

// RFC 9112 §2.2: empty lines before a request line are ignored (some clients send a CRLF after a
// POST body). Returns whether nothing but such lines had arrived.
bool skip_empty_lines(beast::flat_buffer& buffer) {
    const auto* bytes = static_cast<const char*>(buffer.data().data());
    std::size_t n = 0;
    while (n < buffer.size() && (bytes[n] == '\r' || bytes[n] == '\n')) ++n;
    buffer.consume(n);
    return buffer.size() == 0;
}

// Reads and drops what a handler left of the request body, so the next request starts in sync.
awaitable<bool> discard_body(RequestContext& ctx) {
    constexpr std::uint64_t limit = 1 << 20;
    std::uint64_t discarded = 0;
    char sink[8192];
    auto& body = ctx.parser.get().body();
    ctx.client.expires_after(std::chrono::seconds(10));
    while (!ctx.parser.is_done() && discarded <= limit) {
        body.data = sink;
        body.size = sizeof(sink);
        auto [ec, n] = co_await http::async_read_some(ctx.client, ctx.client_buffer, ctx.parser, use_nothrow);
        if (ec == http::error::need_buffer) ec = {};
        if (ec) co_return false;
        discarded += sizeof(sink) - body.size;
    }
    co_return ctx.parser.is_done();
}

void record_metrics(Worker& worker, const Runtime& runtime, const ServerRuntime& server, const RequestContext& ctx,
                    int country_slot) {
    if (!runtime.traffic->enabled) return;
    const auto latency = std::chrono::steady_clock::now() - ctx.started;
    worker.metrics.request_finished(ctx.status, latency, ctx.bytes_read, ctx.bytes_written, country_slot);
    const auto micros = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
    server.metrics->record(ctx.status, micros);
    if (ctx.route_metrics) ctx.route_metrics->record(ctx.status, micros);
}

// The server this connection's listener maps to in the worker's current config. The map is searched
// by listener name again only after a reload, not for every request (two searches a request cost
// about as much as routing it).
class ListenerServer {
public:
    ListenerServer(const Worker& worker, std::string key) : worker_(worker), key_(std::move(key)) {}
    const ServerRuntime* get() {
        if (generation_ != worker_.runtime_generation) {
            generation_ = worker_.runtime_generation;
            server_ = worker_.runtime ? worker_.runtime->server_for(key_) : nullptr;
        }
        return server_;
    }

private:
    const Worker& worker_;
    const std::string key_;
    std::uint64_t generation_ = 0; // 0: nothing looked up yet (the first config is generation 1)
    const ServerRuntime* server_ = nullptr;
};

struct Tracked {
    Tracked(Worker& worker, ClientConnection& conn) : worker(worker), conn(conn) {
        worker.connections.insert(&conn);
        worker.metrics.connection_opened();
    }
    ~Tracked() {
        worker.connections.erase(&conn);
        worker.metrics.connection_closed();
    }
    Worker& worker;
    ClientConnection& conn;
};

} // namespace

awaitable<void> serve_client(Worker& worker, tcp::socket socket, std::string listener_key) {
    error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    socket.non_blocking(true, ec); // relays write to it directly (proxy/relay.hpp)
    const tcp::endpoint remote = socket.remote_endpoint(ec);
    const tcp::endpoint local = socket.local_endpoint(ec);
    ClientStream stream(std::move(socket));
    beast::flat_buffer buffer;
    ClientConnection conn{&stream.tcp_layer()};
    Tracked tracked(worker, conn);
    ListenerServer listener(worker, std::move(listener_key));
    bool first = true;

    if (const ServerRuntime* server = listener.get(); server && server->tls) {
        // The runtime is held across the handshake: a reload meanwhile must not free its policies.
        const std::shared_ptr<const Runtime> runtime = worker.runtime;
        if (!co_await tls::accept_tls(stream, *server->tls, server->timeouts.tls_handshake())) {
            error_code ignored;
            stream.socket().close(ignored);
            co_return;
        }
        // An acme-tls/1 connection only proves control of the name; it carries no requests.
        if (stream.tls_state.proto == "acme-tls/1") {
            co_await stream.close();
            co_return;
        }
    }

    for (;;) {
        // Wait for the first byte under the idle timeout, then give the whole header read_header_timeout.
        // The wait is bounded by the worker's once-a-second sweep rather than a timer per request:
        // arming and cancelling a timer for every keep-alive wait costs more than the sweep.
        conn.idle = true;
        if (buffer.size() == 0) {
            const ServerRuntime* waiting = listener.get();
            if (!waiting || worker.draining) break;
            conn.deadline = std::chrono::steady_clock::now() + (first ? waiting->timeouts.read_header : waiting->timeouts.idle);
            auto [rec, n] = co_await stream.read_idle(buffer.prepare(8192));
            if (rec) break;
            buffer.commit(n);
        }
        conn.idle = false;
        conn.deadline = std::chrono::steady_clock::time_point::max();
        first = false;
        if (skip_empty_lines(buffer)) continue;

        // The config is taken when the request arrives, so a connection kept alive across a reload
        // serves its next request with the new one.
        std::shared_ptr<const Runtime> runtime = worker.runtime;
        const ServerRuntime* server = listener.get();
        if (!server || worker.draining) break;

        RequestParser parser;
        parser.header_limit(static_cast<std::uint32_t>(server->max_header_bytes));
        parser.body_limit(boost::none);
        // Usually the whole header came with the first read: parse it in place, no I/O, no timer.
        error_code hec;
        const std::size_t buffered = buffer.size();
        const bool parsed = parse_buffered(parser, buffer, hec);
        std::size_t header_bytes = buffered - buffer.size();
        if (!parsed) {
            stream.expires_after(server->timeouts.read_header);
            std::size_t more = 0;
            std::tie(hec, more) = co_await read_header(stream, buffer, parser);
            header_bytes += more;
        }
        if (hec) {
            const auto status = status_for_parse_error(hec, buffer);
            if (status != http::status::unknown) co_await reply_and_close(stream, status);
            break;
        }
        if (const auto refusal = vet_request(parser); refusal != http::status::unknown) {
            co_await reply_and_close(stream, refusal);
            break;
        }
        if (server->timeouts.read_body.count() > 0) stream.expires_after(server->timeouts.read_body);
        else stream.expires_never();

        RequestContext ctx{parser, stream, buffer, worker.thread_state, *server, remote, local};
        ctx.bytes_read = header_bytes;
        ctx.shutting_down = &worker.draining;
        // The country comes from the request as the client sent it, before handlers rewrite headers.
        int country_slot = -1;
        ctx.count_metrics = runtime->traffic->enabled;
        if (ctx.count_metrics) {
            worker.metrics.request_started();
            country_slot = metrics::country_slot(runtime->traffic->country_of(ctx));
        }
        auto& req = ctx.request();
        ctx.client_version = req.version();
        ctx.client_keep_alive = parser.keep_alive() && !worker.draining; // the parser's flags: no header lookup
        ctx.original_uri = std::string(req.target());
        const bool expects_continue = beast::iequals(field_value(req, http::field::expect), "100-continue");

        if (auto answer = acme_http_answer(req)) {
            http::response<http::string_body> res{http::status::ok, 11};
            res.set(http::field::content_type, "text/plain");
            res.body() = std::move(*answer);
            res.prepare_payload();
            co_await write_response(ctx, res);
        } else
            co_await server->routes.run(ctx);
        if (!ctx.responded) {
            // Caddy's answer when no handler wrote anything: an empty 200.
            http::response<http::string_body> res{http::status::ok, 11};
            co_await write_response(ctx, res);
        }
        if (server->access_log) server->access_log->write(ctx);
        record_metrics(worker, *runtime, *server, ctx, country_slot);
        if (ctx.close_connection) break;
        if (!parser.is_done()) {
            // A client still waiting for 100 Continue will not send the body: do not wait for it.
            if (expects_continue || !co_await discard_body(ctx)) break;
        }
    }
    co_await stream.close();
}

} // namespace proxflow
