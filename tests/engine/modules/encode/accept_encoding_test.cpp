#include "http/accept_encoding.hpp"
#include "modules/encode/encoder.hpp"

#include <QtTest>
#include <zlib.h>

using namespace proxflow;

namespace {

QStringList order(std::string_view header, std::vector<std::string> prefer = {"gzip", "zstd"}, bool websocket = false) {
    QStringList out;
    for (const auto& name : accepted_encodings(header, websocket, prefer, {"gzip", "zstd"})) out << QString::fromStdString(name);
    return out;
}

std::string gunzip(const std::string& data) {
    z_stream z{};
    inflateInit2(&z, 16 + MAX_WBITS);
    std::string out(1 << 20, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_SYNC_FLUSH);
    out.resize(out.size() - z.avail_out);
    inflateEnd(&z);
    return rc == Z_STREAM_END || rc == Z_OK ? out : std::string("inflate failed");
}

} // namespace

class AcceptEncodingTest : public QObject {
    Q_OBJECT
private slots:
    void higher_q_comes_first_and_ties_follow_prefer() {
        QCOMPARE(order("zstd, gzip"), QStringList({"gzip", "zstd"}));
        QCOMPARE(order("zstd, gzip", {"zstd", "gzip"}), QStringList({"zstd", "gzip"}));
        QCOMPARE(order("gzip;q=0.5, zstd;q=0.8"), QStringList({"zstd", "gzip"}));
        QCOMPARE(order("br;q=1.0, gzip;q=0.9"), QStringList({"br", "gzip"}));
    }

    void zero_q_is_refusal_and_bad_q_counts_as_one() {
        QCOMPARE(order("gzip;q=0, zstd"), QStringList({"zstd"}));
        QCOMPARE(order("gzip;q=0.000, zstd;q=0"), QStringList());
        QCOMPARE(order("gzip;q=2, zstd;q=0.5"), QStringList({"gzip", "zstd"}));
        QCOMPARE(order("gzip;q=abc"), QStringList({"gzip"}));
    }

    void star_stands_for_offered_encodings_not_named() {
        QCOMPARE(order("*"), QStringList({"gzip", "zstd"}));
        QCOMPARE(order("gzip;q=0, *"), QStringList({"zstd"}));
        QCOMPARE(order("zstd;q=0.5, *;q=0.9"), QStringList({"gzip", "zstd"}));
        QCOMPARE(order("*;q=0"), QStringList());
    }

    void names_are_case_insensitive_and_blanks_ignored() {
        QCOMPARE(order(" GZip ;Q=0.4 , , ZSTD"), QStringList({"zstd", "gzip"}));
    }

    void a_websocket_handshake_gets_identity_only() {
        QCOMPARE(order("gzip, identity", {"gzip"}, true), QStringList({"identity"}));
    }

    void gzip_output_decodes_after_every_flush_and_at_the_end() {
        const std::string text(100000, 'a');
        EncoderLease encoder(EncodingSpec{"gzip", 5});
        std::string out;
        encoder->compress(text.substr(0, 50000), true, false, out);
        QCOMPARE(gunzip(out).size(), std::size_t(50000)); // a sync flush makes all of it readable now
        encoder->compress(text.substr(50000), false, true, out);
        QCOMPARE(gunzip(out), text);
        QVERIFY(out.size() < 1000);
    }
};

QTEST_APPLESS_MAIN(AcceptEncodingTest)
#include "accept_encoding_test.moc"
