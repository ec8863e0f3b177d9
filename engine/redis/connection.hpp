#pragma once
// One hiredis connection driven by Asio. hiredis (0.14) ships adapters for libevent, libuv, Qt ...
// but none for Asio, so this is one: hiredis says when it wants to read or write its socket
// (ev.addRead, ev.delWrite ...), and a readiness wait on the socket (stream_descriptor::async_wait)
// hands it the event. Everything runs on one strand; hiredis owns the socket and closes it.
#include "http/beast.hpp"
#include "redis/reply.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct redisAsyncContext;
struct redisReply;

namespace proxflow::redis {

using Strand = asio::strand<asio::any_io_executor>;

// hiredis' reply as a Reply (a status such as "OK" is a string).
Reply reply_from_hiredis(const redisReply& reply);

class Connection : public std::enable_shared_from_this<Connection> {
public:
    using Done = std::function<void(Reply)>;

    // Starts a non-blocking connect to a numeric address (ip: "127.0.0.1", "::1"); label names the
    // server in error messages. When the connect fails at once the connection is closed and why()
    // says why; a refused or failed connect shows up later, as every queued command's error.
    static std::shared_ptr<Connection> open(Strand strand, const std::string& ip, std::uint16_t port, std::string label);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Queues a command (written as soon as the socket takes it). done is called exactly once, on the
    // strand: with Redis' reply, or with an error reply when the connection closes first (at once when
    // it is closed already).
    void send(const std::vector<std::string>& args, Done done);
    // Closes the connection; commands still waiting get an error reply saying why.
    void close(const std::string& why);

    bool is_open() const { return context_ != nullptr; }
    const std::string& why() const { return why_; }
    // Set by the client once the handshake (AUTH, SELECT) answered.
    bool ready() const { return ready_ && is_open(); }
    void set_ready() { ready_ = true; }

private:
    friend struct ConnectionHooks;
    using WaitType = asio::posix::descriptor_base::wait_type;
    struct Interest {
        bool wanted = false;  // hiredis asked for the event
        bool waiting = false; // a readiness wait is pending
    };

    Connection(Strand strand, std::string label) : label_(std::move(label)), socket_(std::move(strand)) {}

    Reply failure(const std::string& why) const { return Reply::error("redis " + label_ + ": " + why); }
    Interest& interest(WaitType type) { return type == WaitType::wait_read ? read_ : write_; }
    void want(WaitType type);
    void arm(WaitType type);
    void on_ready(WaitType type, error_code ec);
    void forget_context(); // hiredis is freeing its context: the socket is no longer ours to watch

    static void on_reply(redisAsyncContext* context, void* reply, void* privdata);

    std::string label_;
    redisAsyncContext* context_ = nullptr;
    asio::posix::stream_descriptor socket_;
    Interest read_, write_;
    std::string why_;
    bool ready_ = false;
    bool closing_ = false; // in the destructor: hiredis' hooks must not start waits
};

} // namespace proxflow::redis
