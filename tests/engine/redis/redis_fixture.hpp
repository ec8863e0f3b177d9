#pragma once
// What the Redis tests share: a real redis-server, started on a free port of 127.0.0.1 with no
// persistence, tracked and stopped by its PID (and restartable on the same port, which is a Redis
// restart as clients see it); and two event loops on threads of their own, `home` where Redis
// clients live (the engine's background thread) and `caller` where the coroutines that await them
// run (an engine worker).
#include "../../ui/peer_program.hpp"
#include "http/beast.hpp"
#include "redis/connection.hpp"
#include "redis/reply.hpp"

#include <hiredis/hiredis.h>

#include <QTemporaryDir>

#include <csignal>
#include <future>
#include <optional>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace proxflow::test {

using namespace std::chrono_literals;

// A free port below Linux's ephemeral range: a probed ephemeral port could become the local port
// of one of the test's own connections and keep Redis from binding it again after a restart.
inline int free_port_below_ephemeral() {
    for (int port = 20000 + (::getpid() * 7) % 10000, tries = 0; tries < 2000; ++tries, port = port >= 30000 ? 20000 : port + 1) {
        asio::io_context io;
        tcp::acceptor probe(io);
        error_code ec;
        probe.open(tcp::v4(), ec);
        if (!ec) probe.bind({asio::ip::make_address_v4("127.0.0.1"), static_cast<std::uint16_t>(port)}, ec);
        if (!ec) return port;
    }
    throw std::runtime_error("no free port on 127.0.0.1");
}

class RedisServer {
public:
    // program: redis-server's path (PROXFLOW_REQUIRE_PEER); password: requirepass, or none.
    RedisServer(QString program, std::string password = {})
        : program_(program.toStdString()), password_(std::move(password)), port_(free_port_below_ephemeral()) {}
    ~RedisServer() { stop(); }

    // Starts it (again, on the same port) and waits until it answers; false (with the log in why())
    // when it does not within 5 s.
    bool start() {
        if (pid_ > 0) return true;
        const std::string dir = dir_.path().toStdString();
        std::vector<std::string> args{program_, "--bind", "127.0.0.1", "--port", std::to_string(port_), "--save", "",
                                      "--appendonly", "no", "--dir", dir, "--logfile", dir + "/redis.log", "--daemonize", "no"};
        if (!password_.empty()) args.insert(args.end(), {"--requirepass", password_});
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, program_.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
            pid_ = -1;
            return false;
        }
        for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return false;
            }
            // PONG, or NOAUTH with requirepass: either way it answers.
            if (const auto pong = query({"PING"}, 0, false); pong && (!pong->is_error() || pong->is_error("NOAUTH"))) return true;
            std::this_thread::sleep_for(20ms);
        }
        stop();
        return false;
    }

    // SIGTERM by PID and wait for it; SIGKILL when it has not gone within 5 s.
    void stop() {
        if (pid_ <= 0) return;
        resume();
        ::kill(pid_, SIGTERM);
        int status = 0;
        for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(10ms);
        }
        ::kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = -1;
    }

    // A hung Redis: the process stops answering (connections stay open) until resume().
    void pause() {
        if (pid_ > 0) ::kill(pid_, SIGSTOP);
    }
    void resume() {
        if (pid_ > 0) ::kill(pid_, SIGCONT);
    }

    int port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string log() const {
        QFile f(dir_.filePath("redis.log"));
        return f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string();
    }

    // A command on a blocking connection of its own (AUTH and SELECT first): checks from outside the
    // client under test. nullopt when Redis cannot be reached.
    std::optional<redis::Reply> query(const std::vector<std::string>& args, int db = 0, bool auth = true) const {
        redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, timeval{1, 0});
        if (!c || c->err) {
            if (c) redisFree(c);
            return std::nullopt;
        }
        redisSetTimeout(c, timeval{2, 0});
        std::optional<redis::Reply> out;
        const auto call = [&](const std::vector<std::string>& command) {
            std::vector<const char*> argv;
            std::vector<std::size_t> lengths;
            for (const auto& a : command) {
                argv.push_back(a.data());
                lengths.push_back(a.size());
            }
            auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
            if (!r) return std::optional<redis::Reply>();
            std::optional<redis::Reply> reply = redis::reply_from_hiredis(*r);
            freeReplyObject(r);
            return reply;
        };
        out = auth && !password_.empty() ? call({"AUTH", password_}) : redis::Reply::of_string("OK");
        if (out && !out->is_error() && db != 0) out = call({"SELECT", std::to_string(db)});
        if (out && !out->is_error()) out = call(args);
        redisFree(c);
        return out;
    }

private:
    QTemporaryDir dir_;
    std::string program_, password_;
    int port_;
    pid_t pid_ = -1;
};

class EventLoops {
public:
    EventLoops()
        : home_work_(asio::make_work_guard(home)), caller_work_(asio::make_work_guard(caller)), home_thread_([this] { home.run(); }),
          caller_thread_([this] { caller.run(); }) {}
    ~EventLoops() {
        home_work_.reset();
        caller_work_.reset();
        home.stop();
        caller.stop();
        home_thread_.join();
        caller_thread_.join();
    }

    // Runs a on the caller loop and waits for its result; throws when it takes longer than limit.
    template <class T>
    T run(awaitable<T> a, std::chrono::milliseconds limit = 10s) {
        auto done = asio::co_spawn(caller, std::move(a), asio::use_future);
        if (done.wait_for(limit) != std::future_status::ready) throw std::runtime_error("a Redis call did not finish in time");
        return done.get();
    }

    asio::io_context home, caller;

private:
    asio::executor_work_guard<asio::io_context::executor_type> home_work_, caller_work_;
    std::thread home_thread_, caller_thread_;
};

// Milliseconds since start.
inline long long elapsed_ms(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

} // namespace proxflow::test
