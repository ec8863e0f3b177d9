#include "module/usage_pool.hpp"

#include <QtTest>

using namespace proxflow;

namespace {
struct Bucket {
    int tokens = 0;
};
struct Breaker {
    bool open = false;
};
} // namespace

class UsagePoolTest : public QObject {
    Q_OBJECT
private slots:
    void a_second_config_asking_for_the_same_key_shares_the_first_ones_state() {
        UsagePool pool;
        auto first = pool.get_or_make<Bucket>("zone0", [] { return std::make_shared<Bucket>(); });
        first->tokens = 7;
        int made = 0;
        auto second = pool.get_or_make<Bucket>("zone0", [&] {
            ++made;
            return std::make_shared<Bucket>();
        });
        QCOMPARE(second->tokens, 7);
        QCOMPARE(made, 0);
    }

    void state_is_freed_when_no_config_holds_it_any_more() {
        UsagePool pool;
        std::weak_ptr<Bucket> seen;
        {
            auto held = pool.get_or_make<Bucket>("zone0", [] { return std::make_shared<Bucket>(); });
            held->tokens = 3;
            seen = held;
        }
        QVERIFY(seen.expired());
        auto fresh = pool.get_or_make<Bucket>("zone0", [] { return std::make_shared<Bucket>(); });
        QCOMPARE(fresh->tokens, 0);
        QCOMPARE(pool.all<Bucket>().size(), std::size_t(1));
    }

    void the_same_key_names_different_state_for_different_types() {
        UsagePool pool;
        auto bucket = pool.get_or_make<Bucket>("a:80", [] { return std::make_shared<Bucket>(); });
        auto breaker = pool.get_or_make<Breaker>("a:80", [] { return std::make_shared<Breaker>(); });
        breaker->open = true;
        QCOMPARE(pool.all<Bucket>().size(), std::size_t(1));
        QCOMPARE(pool.all<Breaker>().size(), std::size_t(1));
        QVERIFY(pool.all<Breaker>().front()->open);
    }
};

QTEST_APPLESS_MAIN(UsagePoolTest)
#include "usage_pool_test.moc"
