#include "redis/connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

namespace proxflow::redis {

Reply reply_from_hiredis(const redisReply& r) {
    switch (r.type) {
    case REDIS_REPLY_INTEGER:
        return Reply::of_integer(r.integer);
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
        return Reply::of_string(std::string(r.str, r.len));
    case REDIS_REPLY_ERROR:
        return Reply::error(std::string(r.str, r.len));
    case REDIS_REPLY_ARRAY: {
        std::vector<Reply> elements;
        elements.reserve(r.elements);
        for (std::size_t i = 0; i < r.elements; ++i) elements.push_back(reply_from_hiredis(*r.element[i]));
        return Reply::of_array(std::move(elements));
    }
    default:
        return {};
    }
}

namespace {

Connection* connection_of(void* privdata) { return static_cast<Connection*>(privdata); }

} // namespace

// hiredis' event hooks, as its adapters write them: each is told the Connection through ev.data.
struct ConnectionHooks {
    static void add_read(void* c) { connection_of(c)->want(asio::posix::descriptor_base::wait_read); }
    static void del_read(void* c) { connection_of(c)->read_.wanted = false; }
    static void add_write(void* c) { connection_of(c)->want(asio::posix::descriptor_base::wait_write); }
    static void del_write(void* c) { connection_of(c)->write_.wanted = false; }
    static void cleanup(void* c) { connection_of(c)->forget_context(); }
    static void on_connect(const redisAsyncContext*, int) {} // a failed connect fails the queued commands
};

std::shared_ptr<Connection> Connection::open(Strand strand, const std::string& ip, std::uint16_t port, std::string label) {
    std::shared_ptr<Connection> c(new Connection(std::move(strand), std::move(label)));
    redisAsyncContext* context = redisAsyncConnect(ip.c_str(), port);
    if (!context) {
        c->why_ = "out of memory";
        return c;
    }
    if (context->err) {
        c->why_ = context->c.errstr;
        redisAsyncFree(context);
        return c;
    }
    error_code ec;
    c->socket_.assign(context->c.fd, ec);
    if (ec) {
        c->why_ = ec.message();
        redisAsyncFree(context);
        return c;
    }
    c->context_ = context;
    context->data = c.get();
    context->ev.data = c.get();
    context->ev.addRead = ConnectionHooks::add_read;
    context->ev.delRead = ConnectionHooks::del_read;
    context->ev.addWrite = ConnectionHooks::add_write;
    context->ev.delWrite = ConnectionHooks::del_write;
    context->ev.cleanup = ConnectionHooks::cleanup;
    // Asks for the first write event, which is how hiredis learns that connect(2) finished.
    redisAsyncSetConnectCallback(context, ConnectionHooks::on_connect);
    return c;
}

Connection::~Connection() {
    closing_ = true;
    if (context_) close("connection closed");
}

void Connection::want(WaitType type) {
    Interest& i = interest(type);
    i.wanted = true;
    if (!i.waiting && !closing_) arm(type);
}

void Connection::arm(WaitType type) {
    interest(type).waiting = true;
    socket_.async_wait(type, [self = shared_from_this(), type](error_code ec) { self->on_ready(type, ec); });
}

void Connection::on_ready(WaitType type, error_code ec) {
    Interest& i = interest(type);
    i.waiting = false;
    if (ec || !context_ || !i.wanted) return;
    // Either call may end in hiredis freeing the context (an error, EOF): forget_context() then runs.
    if (type == WaitType::wait_read) redisAsyncHandleRead(context_);
    else redisAsyncHandleWrite(context_);
    // A readiness wait completes once: wait again while hiredis still wants the event (level-triggered,
    // as hiredis expects; Asio re-arms the descriptor for each new wait).
    if (context_ && i.wanted && !i.waiting) arm(type);
}

void Connection::forget_context() {
    if (why_.empty()) why_ = context_ && context_->c.err ? context_->c.errstr : "connection closed";
    context_ = nullptr;
    read_.wanted = write_.wanted = false;
    // Pending waits end with operation_aborted; hiredis closes the descriptor itself.
    socket_.release();
}

void Connection::on_reply(redisAsyncContext* context, void* reply, void* privdata) {
    std::unique_ptr<Done> done(static_cast<Done*>(privdata));
    if (reply) {
        (*done)(reply_from_hiredis(*static_cast<redisReply*>(reply)));
        return;
    }
    // The context is being freed: an I/O error, EOF, a refused connect, or close().
    const Connection* c = connection_of(context->data);
    (*done)(c->failure(context->c.err ? context->c.errstr : !c->why_.empty() ? c->why_ : "connection closed"));
}

void Connection::send(const std::vector<std::string>& args, Done done) {
    if (!context_) {
        done(failure(why_.empty() ? "connection closed" : why_));
        return;
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const std::string& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    auto holder = std::make_unique<Done>(std::move(done));
    if (redisAsyncCommandArgv(context_, on_reply, holder.get(), static_cast<int>(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
        (*holder)(failure(context_->c.err ? context_->c.errstr : "the connection is closing"));
        return;
    }
    holder.release(); // on_reply owns it now
}

void Connection::close(const std::string& why) {
    if (!context_) return;
    if (why_.empty()) why_ = why;
    // Runs every waiting command's callback with no reply (they read why_), then cleanup.
    redisAsyncFree(context_);
}

} // namespace proxflow::redis
