#include "core/engine.hpp"

#include "core/admin_server.hpp"
#include "metrics/merge.hpp"
#include "module/registry.hpp"
#include "routing/shutdown_notice.hpp"
#include "server/connection_cap.hpp"
#include "server/worker.hpp"

#include <future>
#include <set>

namespace proxflow {
namespace {

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

std::shared_ptr<tcp::acceptor> bind_acceptor(asio::io_context& io, const ListenAddress& addr) {
    auto acceptor = std::make_shared<tcp::acceptor>(io);
    const bool any = addr.host.empty();
    const auto ip = any ? asio::ip::address(asio::ip::address_v6::any()) : asio::ip::make_address(addr.host);
    const tcp::endpoint endpoint(ip, addr.port);
    acceptor->open(endpoint.protocol());
    if (any) acceptor->set_option(asio::ip::v6_only(false));
    acceptor->set_option(asio::socket_base::reuse_address(true));
    // One acceptor per worker on the same port: the kernel spreads connections across them.
    acceptor->set_option(reuse_port(true));
    acceptor->bind(endpoint);
    acceptor->listen(asio::socket_base::max_listen_connections);
    return acceptor;
}

// SO_REUSEPORT would let a second process (of the same user) share a port silently and split its
// traffic; a plain bind first tells whether anyone else is listening there.
void ensure_address_free(asio::io_context& io, const ListenAddress& addr) {
    tcp::acceptor probe(io);
    const auto ip = addr.host.empty() ? asio::ip::address(asio::ip::address_v6::any()) : asio::ip::make_address(addr.host);
    const tcp::endpoint endpoint(ip, addr.port);
    probe.open(endpoint.protocol());
    if (addr.host.empty()) probe.set_option(asio::ip::v6_only(false));
    probe.set_option(asio::socket_base::reuse_address(true));
    probe.bind(endpoint);
}

std::set<std::string> listener_keys(const Runtime* runtime) {
    std::set<std::string> keys;
    if (runtime)
        for (const auto& [key, server] : runtime->by_listener) keys.insert(key);
    return keys;
}

} // namespace

Engine::Engine(EngineOptions options) : options_(options) {
    unsigned threads = options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>());
    const long cap = options_.max_connections > 0 ? options_.max_connections : default_connection_cap();
    for (auto& worker : workers_) {
        worker->connection_cap = cap;
        for (auto& peer : workers_) worker->peers.push_back(peer.get());
    }
    for (auto& worker : workers_) {
        worker->thread = std::thread([w = worker.get()] {
            auto guard = asio::make_work_guard(w->io);
            w->start_sweeping();
            w->io.run();
        });
    }
    background_thread_ = std::thread([this] {
        auto guard = asio::make_work_guard(background_);
        background_.run();
    });
    admin_ = std::make_unique<AdminServer>(*this, background_);
}

Engine::~Engine() {
    stop();
    wait();
    if (shutdown_thread_.joinable()) shutdown_thread_.join();
}

void Engine::load(const json& config) {
    std::lock_guard lock(mutex_);
    if (stopping_) throw ConfigError("", "the engine is stopping");
    std::shared_ptr<Runtime> runtime = Runtime::build(config, state_, background_, &server_metrics_,
                                                      [this](bool with_series) { return metrics_snapshot(with_series); });

    // Bind every new address on every worker before anything changes, so a bind error rejects the
    // config with the running one untouched.
    const auto old_keys = listener_keys(current_.get());
    const auto new_keys = listener_keys(runtime.get());
    std::map<std::string, std::vector<std::shared_ptr<tcp::acceptor>>> fresh;
    for (const auto& server : runtime->servers) {
        for (const auto& addr : server->listen) {
            const auto key = addr.key();
            if (old_keys.contains(key) || fresh.contains(key)) continue;
            auto& list = fresh[key];
            try {
                ensure_address_free(workers_.front()->io, addr);
                for (auto& worker : workers_) list.push_back(bind_acceptor(worker->io, addr));
            } catch (const boost::system::system_error& e) {
                throw ConfigError("apps.http.servers." + server->name + ".listen",
                                  "cannot listen on " + key + ": " + e.code().message());
            }
        }
    }
    admin_->configure(runtime->admin, current_ ? &current_->admin : nullptr);

    std::vector<std::future<void>> applied;
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        auto done = std::make_shared<std::promise<void>>();
        applied.push_back(done->get_future());
        Worker& worker = *workers_[i];
        std::vector<std::pair<std::string, std::shared_ptr<tcp::acceptor>>> mine;
        for (auto& [key, list] : fresh) mine.emplace_back(key, list[i]);
        asio::post(worker.io, [&worker, runtime, mine = std::move(mine), new_keys, done] {
            // The worker's own reference count (aliasing the shared one): every request copies
            // worker.runtime, and a count both workers incremented would bounce between their cores.
            auto held = std::make_shared<std::shared_ptr<const Runtime>>(runtime);
            worker.runtime = std::shared_ptr<const Runtime>(held, held->get());
            ++worker.runtime_generation;
            for (const auto& [key, acceptor] : mine) worker.start_accepting(key, acceptor);
            for (auto it = worker.acceptors.begin(); it != worker.acceptors.end();) {
                if (new_keys.contains(it->first)) {
                    ++it;
                    continue;
                }
                error_code ignored;
                it->second->close(ignored);
                it = worker.acceptors.erase(it);
            }
            done->set_value();
        });
    }
    for (auto& f : applied) f.wait();

    if (current_)
        for (auto& task : current_->tasks) task->stop();
    for (auto& task : runtime->tasks) task->start();
    current_ = std::move(runtime);
}

json Engine::config() const {
    std::lock_guard lock(mutex_);
    return current_ ? current_->config : json();
}

json Engine::module_status(std::string_view admin_path) const {
    for (const ModuleDescriptor& module : modules())
        for (const StatusEndpoint& endpoint : module.status.endpoints)
            if (endpoint.admin_path == admin_path) return endpoint.read(state_);
    return nullptr;
}

metrics::Snapshot Engine::metrics_snapshot(bool with_series) const {
    using namespace std::chrono;
    metrics::Snapshot snap;
    const auto now = system_clock::now().time_since_epoch();
    snap.taken_unix_ms = duration_cast<milliseconds>(now).count();
    std::vector<const metrics::ThreadMetrics*> threads;
    for (const auto& worker : workers_) threads.push_back(&worker->metrics);
    metrics::merge_threads(threads, duration_cast<seconds>(now).count(), snap, with_series);
    for (const auto& server : server_metrics_.servers()) snap.servers.push_back(server->stats());
    for (const auto& route : server_metrics_.routes()) snap.routes.push_back(route->stats());
    for (const auto& family : state_.all<metrics::CounterFamily>()) snap.families.push_back(family->sample());
    for (const ModuleDescriptor& module : modules())
        if (module.status.add_to_snapshot) module.status.add_to_snapshot(state_, snap);
    return snap;
}

void Engine::stop() {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    // Shutting down waits for in-flight requests, so it runs on its own thread: stop() may be
    // called from the admin API's own thread.
    shutdown_thread_ = std::thread([this] { shutdown_workers(); });
}

void Engine::shutdown_workers() {
    std::chrono::nanoseconds grace, delay{};
    std::vector<std::shared_ptr<BackgroundTask>> tasks;
    {
        std::lock_guard lock(mutex_);
        grace = current_ ? current_->grace_period : std::chrono::seconds(10);
        if (current_) {
            tasks = current_->tasks;
            delay = current_->shutdown_delay;
        }
    }
    if (delay.count() > 0) {
        // Still serving, now saying it will stop: health checks see {http.shutting_down}.
        const auto at = std::chrono::steady_clock::now() + delay;
        announce_shutdown(at);
        std::this_thread::sleep_until(at);
    }
    for (auto& task : tasks) task->stop();
    admin_->stop();
    for (auto& worker : workers_) {
        asio::post(worker->io, [w = worker.get()] {
            w->draining = true;
            for (auto& [key, acceptor] : w->acceptors) {
                error_code ignored;
                acceptor->close(ignored);
            }
            w->acceptors.clear();
            w->close_idle_connections();
        });
    }
    // Wait for in-flight requests to finish, up to the grace period.
    const auto deadline = std::chrono::steady_clock::now() + grace;
    for (auto& worker : workers_) {
        for (;;) {
            std::promise<std::size_t> count;
            auto f = count.get_future();
            asio::post(worker->io, [w = worker.get(), &count] {
                w->close_idle_connections();
                count.set_value(w->connections.size());
            });
            if (f.get() == 0 || std::chrono::steady_clock::now() >= deadline) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    for (auto& worker : workers_) {
        asio::post(worker->io, [w = worker.get()] { w->thread_state.clear(); });
        worker->io.stop();
    }
    for (auto& worker : workers_)
        if (worker->thread.joinable()) worker->thread.join();
    background_.stop();
    if (background_thread_.joinable()) background_thread_.join();
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
    }
    stopped_cv_.notify_all();
}

void Engine::wait() {
    std::unique_lock lock(mutex_);
    stopped_cv_.wait(lock, [this] { return stopped_; });
}

bool Engine::stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
}

} // namespace proxflow
