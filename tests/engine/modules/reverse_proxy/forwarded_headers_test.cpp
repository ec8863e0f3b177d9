#include "modules/reverse_proxy/forwarded_headers.hpp"

#include <QtTest>

#include <string>
#include <utility>
#include <vector>

using namespace proxflow;

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// The request's fields after set_forwarded_headers, in order.
Fields forwarded(const Fields& sent, bool trusted, std::string_view scheme = "http") {
    http::request_header<> req;
    for (const auto& [name, value] : sent) req.insert(name, value);
    set_forwarded_headers(req, "127.0.0.1", scheme, trusted);
    Fields out;
    for (const auto& f : req) out.emplace_back(std::string(f.name_string()), std::string(f.value()));
    return out;
}

} // namespace

// The expected values are what Caddy 2.6.2 sent its backend for the same requests.
class ForwardedHeadersTest : public QObject {
    Q_OBJECT
private slots:
    void a_plain_request_gets_all_three() {
        QCOMPARE(forwarded({{"Host", "shop.example"}}, false),
                 (Fields{{"Host", "shop.example"}, {"X-Forwarded-For", "127.0.0.1"}, {"X-Forwarded-Proto", "http"},
                         {"X-Forwarded-Host", "shop.example"}}));
        QCOMPARE(forwarded({{"Host", "a"}}, false, "https")[2].second, std::string("https"));
    }

    void an_untrusted_client_cannot_spoof_them() {
        QCOMPARE(forwarded({{"Host", "a"}, {"x-forwarded-for", "6.6.6.6"}, {"X-Forwarded-Proto", "https"},
                            {"X-FORWARDED-HOST", "evil"}, {"Accept", "*/*"}},
                           false),
                 (Fields{{"Host", "a"}, {"Accept", "*/*"}, {"X-Forwarded-For", "127.0.0.1"}, {"X-Forwarded-Proto", "http"},
                         {"X-Forwarded-Host", "a"}}));
    }

    void a_trusted_proxy_chain_is_joined_and_extended() {
        const auto out = forwarded({{"Host", "a"}, {"X-Forwarded-For", "1.1.1.1"}, {"X-Forwarded-For", "2.2.2.2"}}, true);
        QCOMPARE(out[1], (std::pair<std::string, std::string>{"X-Forwarded-For", "1.1.1.1, 2.2.2.2, 127.0.0.1"}));
        QCOMPARE(out.size(), std::size_t(4));
        // Go joins empty values too.
        QCOMPARE(forwarded({{"X-Forwarded-For", ""}, {"X-Forwarded-For", "2.2.2.2"}}, true)[0].second,
                 std::string(", 2.2.2.2, 127.0.0.1"));
        QCOMPARE(forwarded({{"X-Forwarded-For", ""}}, true)[0].second, std::string("127.0.0.1"));
    }

    void a_trusted_proxy_keeps_the_last_proto_and_host_it_sent() {
        const auto out = forwarded({{"Host", "a"}, {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Proto", "ftp"},
                                    {"X-Forwarded-Host", "a.example"}, {"X-Forwarded-Host", "b.example"}},
                                   true);
        QCOMPARE(out, (Fields{{"Host", "a"}, {"X-Forwarded-For", "127.0.0.1"}, {"X-Forwarded-Proto", "ftp"},
                              {"X-Forwarded-Host", "b.example"}}));
        // An empty last value means none was sent.
        QCOMPARE(forwarded({{"Host", "a"}, {"X-Forwarded-Host", "b.example"}, {"X-Forwarded-Host", ""}}, true)[3].second,
                 std::string("a"));
    }
};

QTEST_APPLESS_MAIN(ForwardedHeadersTest)
#include "forwarded_headers_test.moc"
