#include "metrics/server_metrics.hpp"
#include "metrics/thread_shards.hpp"

#include <QtTest>

#include <atomic>
#include <set>
#include <thread>

using namespace proxflow::metrics;

class ThreadShardsTest : public QObject {
    Q_OBJECT
private slots:
    void live_threads_never_share_an_index_and_an_ended_one_is_reused() {
        std::set<int> seen;
        std::mutex m;
        std::atomic<int> arrived{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 8; ++i)
            threads.emplace_back([&] {
                const int index = recording_thread_index();
                {
                    std::lock_guard lock(m);
                    seen.insert(index);
                }
                ++arrived;
                // Stay alive until all have claimed (bounded wait), so the indices are held together.
                for (int spin = 0; arrived.load() < 8 && spin < 100000; ++spin) std::this_thread::yield();
            });
        for (auto& t : threads) t.join();
        QCOMPARE(seen.size(), std::size_t(8));

        int first = -1, second = -1;
        std::thread([&] { first = recording_thread_index(); }).join();
        std::thread([&] { second = recording_thread_index(); }).join();
        QCOMPARE(second, first);
    }

    void server_counters_from_many_threads_sum_exactly_while_read() {
        ServerMetrics server("srv0");
        constexpr int writers = 4, each = 200000;
        std::atomic<int> done{0};
        std::vector<std::thread> threads;
        for (int w = 0; w < writers; ++w)
            threads.emplace_back([&, w] {
                for (int i = 0; i < each; ++i) server.record(i % 10 == 0 ? 503 : 200, static_cast<std::uint64_t>(100 + w));
                ++done;
            });
        std::uint64_t last = 0;
        int reads = 0, backwards = 0;
        while (done.load() < writers && reads < 1'000'000) {
            const auto stats = server.stats();
            if (stats.requests < last) ++backwards;
            last = stats.requests;
            ++reads;
        }
        for (auto& t : threads) t.join();
        const auto stats = server.stats();
        QCOMPARE(backwards, 0);
        QCOMPARE(stats.requests, std::uint64_t(writers) * each);
        QCOMPARE(stats.status_classes[4], std::uint64_t(writers) * each / 10);
        QCOMPARE(stats.status_classes[1], std::uint64_t(writers) * each * 9 / 10);
        QCOMPARE(stats.latency.total, std::uint64_t(writers) * each);
        for (int w = 0; w < writers; ++w) QCOMPARE(stats.latency.counts[static_cast<std::size_t>(100 + w)], std::uint64_t(each));
    }
};

QTEST_APPLESS_MAIN(ThreadShardsTest)
#include "thread_shards_test.moc"
