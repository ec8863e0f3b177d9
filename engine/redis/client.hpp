#pragma once
// An asynchronous Redis client on hiredis, for any thread: commands hop onto the client's strand (of
// the engine's background io_context), and the answer comes back on the caller's executor. It
// connects when first used (AUTH and SELECT first), and after a failure or a Redis restart it
// connects again by itself, backing off while Redis stays away. Nothing throws for a Redis failure:
// refused, timed out, wrong password or a server error is an error Reply.
#include "http/beast.hpp"
#include "redis/connection.hpp"
#include "redis/options.hpp"
#include "redis/reply.hpp"
#include "redis/script.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace proxflow::redis {


class Client : public std::enable_shared_from_this<Client> {
public:
    // executor: where the client lives (the engine's background io_context); it works on a strand of it.
    // The client must be destroyed before that io_context.
    static std::shared_ptr<Client> make(asio::any_io_executor executor, Options options);
    ~Client();

    // Callable from any thread or executor; resumes the caller on its own executor.
    awaitable<Reply> command(std::vector<std::string> args);
    // The commands written together, their replies in order (each one may be an error).
    awaitable<std::vector<Reply>> pipeline(std::vector<std::vector<std::string>> commands);
    // EVALSHA, and EVAL when the server does not know the script yet (after a restart, SCRIPT FLUSH).
    awaitable<Reply> eval(std::shared_ptr<const Script> script, std::vector<std::string> keys, std::vector<std::string> args);

    const Options& options() const { return options_; }

private:
    using Commands = std::vector<std::vector<std::string>>;
    using Clock = std::chrono::steady_clock;

    Client(asio::any_io_executor executor, Options options);

    // The coroutines below run on the strand.
    static awaitable<std::vector<Reply>> run(std::shared_ptr<Client> self, Commands commands);
    static awaitable<Reply> run_script(std::shared_ptr<Client> self, std::shared_ptr<const Script> script,
                                       std::vector<std::string> keys, std::vector<std::string> args);
    // The ready connection, connecting when there is none; null (and last_error_ says why) when Redis
    // cannot be reached now.
    awaitable<std::shared_ptr<Connection>> connection();
    awaitable<std::shared_ptr<Connection>> connect();
    awaitable<std::string> resolve(); // a numeric address of options_.host, or "" (last_error_ says why)
    // Sends the commands on c and waits for every reply, up to the command timeout; past it, c is
    // closed (every reply is then that error) and timed_out is set.
    awaitable<std::vector<Reply>> exchange(const std::shared_ptr<Connection>& c, const Commands& commands, bool& timed_out);
    void failed(std::string message); // a connect failed or a command timed out: back off before the next attempt
    Reply unavailable() const;

    Strand strand_;
    Options options_;
    std::string label_; // options_.address()
    std::shared_ptr<Connection> connection_;
    std::shared_ptr<asio::steady_timer> attempt_; // while connecting: cancelled when the attempt ends
    bool failing_ = false;                        // the last attempt failed (until one succeeds)
    std::chrono::milliseconds backoff_;
    Clock::time_point retry_at_{};
    std::string last_error_;
};

} // namespace proxflow::redis
