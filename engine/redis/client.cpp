#include "redis/client.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace proxflow::redis {


std::shared_ptr<Client> Client::make(asio::any_io_executor executor, Options options) {
    return std::shared_ptr<Client>(new Client(std::move(executor), std::move(options)));
}

Client::Client(asio::any_io_executor executor, Options options)
    : strand_(asio::make_strand(std::move(executor))), options_(std::move(options)), label_(options_.address()),
      backoff_(options_.min_backoff) {}

Client::~Client() {
    // The connection lives on the strand: close it there (or with the io_context, if that never runs again).
    if (connection_) asio::post(strand_, [c = std::move(connection_)] { c->close("client closed"); });
}

awaitable<Reply> Client::command(std::vector<std::string> args) {
    Commands commands;
    commands.push_back(std::move(args));
    std::vector<Reply> replies = co_await pipeline(std::move(commands));
    co_return std::move(replies.front());
}

awaitable<std::vector<Reply>> Client::pipeline(Commands commands) {
    if (commands.empty()) co_return std::vector<Reply>{};
    co_return co_await asio::co_spawn(strand_, run(shared_from_this(), std::move(commands)), asio::use_awaitable);
}

awaitable<Reply> Client::eval(std::shared_ptr<const Script> script, std::vector<std::string> keys, std::vector<std::string> args) {
    co_return co_await asio::co_spawn(strand_, run_script(shared_from_this(), std::move(script), std::move(keys), std::move(args)),
                                      asio::use_awaitable);
}

awaitable<std::vector<Reply>> Client::run(std::shared_ptr<Client> self, Commands commands) {
    std::string error;
    try {
        const std::shared_ptr<Connection> c = co_await self->connection();
        if (!c) co_return std::vector<Reply>(commands.size(), self->unavailable());
        bool timed_out = false;
        std::vector<Reply> replies = co_await self->exchange(c, commands, timed_out);
        if (timed_out) self->failed(replies.front().str);
        co_return replies;
    } catch (const std::exception& e) {
        error = e.what();
    }
    co_return std::vector<Reply>(commands.size(), Reply::error("redis " + self->label_ + ": " + error));
}

awaitable<Reply> Client::run_script(std::shared_ptr<Client> self, std::shared_ptr<const Script> script,
                                    std::vector<std::string> keys, std::vector<std::string> args) {
    const auto call = [&](const char* verb, const std::string& body) {
        std::vector<std::string> command{verb, body, std::to_string(keys.size())};
        command.insert(command.end(), keys.begin(), keys.end());
        command.insert(command.end(), args.begin(), args.end());
        Commands out;
        out.push_back(std::move(command));
        return out;
    };
    std::vector<Reply> replies = co_await run(self, call("EVALSHA", script->sha1));
    if (replies.front().is_error("NOSCRIPT")) replies = co_await run(self, call("EVAL", script->source));
    co_return std::move(replies.front());
}

awaitable<std::shared_ptr<Connection>> Client::connection() {
    if (connection_ && connection_->ready()) co_return connection_;
    if (attempt_) {
        // Someone is connecting: wait for the outcome, unless Redis has been failing. Then fail at
        // once, so that callers (requests asking Redis) do not stall behind every new attempt.
        if (failing_) co_return nullptr;
        const auto attempt = attempt_;
        co_await attempt->async_wait(use_nothrow);
        co_return connection_ && connection_->ready() ? connection_ : nullptr;
    }
    // A connection that broke while it served (a Redis restart) is replaced at once; after a failed
    // attempt, not before the backoff is over.
    if (failing_ && Clock::now() < retry_at_) co_return nullptr;
    attempt_ = std::make_shared<asio::steady_timer>(strand_, Clock::time_point::max());
    std::shared_ptr<Connection> made;
    try {
        made = co_await connect();
    } catch (const std::exception& e) {
        failed("redis " + label_ + ": " + e.what());
    }
    connection_ = made;
    attempt_->cancel();
    attempt_.reset();
    co_return made;
}

awaitable<std::shared_ptr<Connection>> Client::connect() {
    if (connection_) connection_->close("replaced by a new connection");
    connection_.reset();
    const std::string ip = co_await resolve();
    if (ip.empty()) co_return nullptr;
    std::shared_ptr<Connection> c = Connection::open(strand_, ip, options_.port, label_);
    if (!c->is_open()) {
        failed("redis " + label_ + ": " + c->why());
        co_return nullptr;
    }
    Commands handshake;
    if (!options_.password.empty()) handshake.push_back({"AUTH", options_.password});
    if (options_.db != 0) handshake.push_back({"SELECT", std::to_string(options_.db)});
    if (handshake.empty()) handshake.push_back({"PING"}); // so that a connection is ready only once Redis answered
    bool timed_out = false;
    const std::vector<Reply> replies = co_await exchange(c, handshake, timed_out);
    for (std::size_t i = 0; i < replies.size(); ++i) {
        if (!replies[i].is_error()) continue;
        // A closed connection's replies already say where and why; a refusal is Redis' own words.
        failed(c->is_open() ? "redis " + label_ + ": " + handshake[i][0] + ": " + replies[i].str : replies[i].str);
        c->close("handshake failed");
        co_return nullptr;
    }
    c->set_ready();
    failing_ = false;
    backoff_ = options_.min_backoff;
    co_return c;
}

awaitable<std::string> Client::resolve() {
    error_code ec;
    const asio::ip::address numeric = asio::ip::make_address(options_.host, ec);
    if (!ec) co_return numeric.to_string();
    // getaddrinfo runs on Asio's resolver thread, never on an event loop; the deadline cancels the wait.
    auto resolver = std::make_shared<tcp::resolver>(strand_);
    asio::steady_timer deadline(strand_, options_.command_timeout);
    deadline.async_wait([resolver](error_code e) {
        if (!e) resolver->cancel();
    });
    const auto [resolve_ec, results] = co_await resolver->async_resolve(options_.host, std::to_string(options_.port), use_nothrow);
    deadline.cancel();
    if (resolve_ec || results.empty()) {
        failed("redis " + label_ + ": cannot resolve " + options_.host + ": " + (resolve_ec ? resolve_ec.message() : "no address"));
        co_return "";
    }
    // IPv4 first, as hiredis itself would pick: "localhost" is often ::1 first, and Redis often listens on 127.0.0.1 only.
    const auto v4 = std::find_if(results.begin(), results.end(), [](const auto& r) { return r.endpoint().address().is_v4(); });
    co_return (v4 != results.end() ? *v4 : *results.begin()).endpoint().address().to_string();
}

awaitable<std::vector<Reply>> Client::exchange(const std::shared_ptr<Connection>& c, const Commands& commands, bool& timed_out) {
    struct Batch {
        Batch(const Strand& strand, std::size_t n) : timer(strand, Clock::time_point::max()), replies(n), outstanding(n) {}
        asio::steady_timer timer; // cancelled by the last reply
        std::vector<Reply> replies;
        std::size_t outstanding;
    };
    const auto batch = std::make_shared<Batch>(strand_, commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        c->send(commands[i], [batch, i](Reply reply) {
            batch->replies[i] = std::move(reply);
            if (--batch->outstanding == 0) batch->timer.cancel();
        });
    }
    timed_out = false;
    if (batch->outstanding > 0) {
        batch->timer.expires_after(options_.command_timeout);
        co_await batch->timer.async_wait(use_nothrow);
    }
    if (batch->outstanding > 0) {
        timed_out = true;
        // Redis answers in order, so a late reply would be taken for a later command's: the connection goes.
        c->close("no reply within " + std::to_string(options_.command_timeout.count()) + " ms");
    }
    co_return std::move(batch->replies);
}

void Client::failed(std::string message) {
    last_error_ = std::move(message);
    failing_ = true;
    retry_at_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, options_.max_backoff);
}

Reply Client::unavailable() const {
    if (last_error_.empty()) return Reply::error("redis " + label_ + ": not connected");
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(retry_at_ - Clock::now());
    if (wait.count() > 0) return Reply::error(last_error_ + " (next attempt in " + std::to_string(wait.count()) + " ms)");
    return Reply::error(last_error_ + " (reconnecting)");
}

} // namespace proxflow::redis
