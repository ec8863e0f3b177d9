#include "modules/reverse_proxy/gunzip_filter.hpp"

#include <QtTest>
#include <zlib.h>

using namespace proxflow;

namespace {

std::string gzip(const std::string& data) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(compressBound(static_cast<uLong>(data.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(out.size() - z.avail_out);
    deflateEnd(&z);
    return out;
}

// The filter's output for `in` fed in pieces of `piece` bytes.
std::string gunzip(const std::string& in, std::size_t piece, bool* failed = nullptr) {
    GunzipFilter filter;
    std::string out;
    for (std::size_t at = 0; at < in.size() || at == 0; at += piece) {
        const auto part = std::string_view(in).substr(at, piece);
        filter.transform(part, false, at + piece >= in.size(), out);
        if (in.empty()) break;
    }
    if (failed) *failed = filter.failed();
    return out;
}

std::string text(std::size_t lines) {
    std::string out;
    for (std::size_t i = 0; i < lines; ++i) out += "line " + std::to_string(i) + " of a body that compresses well\n";
    return out;
}

} // namespace

class GunzipFilterTest : public QObject {
    Q_OBJECT
private slots:
    void a_body_comes_out_whole_whatever_the_pieces_it_arrives_in() {
        const std::string body = text(20000); // inflates past one 64 KiB output step many times over
        for (std::size_t piece : {std::size_t(1), std::size_t(7), std::size_t(4096), std::size_t(1) << 20}) {
            bool failed = true;
            QCOMPARE(gunzip(gzip(body), piece, &failed), body);
            QVERIFY(!failed);
        }
    }

    void concatenated_members_are_one_body_as_go_reads_them() {
        bool failed = true;
        QCOMPARE(gunzip(gzip("first, ") + gzip("second"), 5, &failed), std::string("first, second"));
        QVERIFY(!failed);
    }

    void a_body_cut_inside_the_stream_fails() {
        const std::string zipped = gzip(text(100));
        bool failed = false;
        gunzip(zipped.substr(0, zipped.size() / 2), 64, &failed);
        QVERIFY(failed);
    }

    void bytes_that_are_not_gzip_fail() {
        bool failed = false;
        gunzip("this is not gzip at all", 8, &failed);
        QVERIFY(failed);
        failed = false;
        gunzip(gzip("good") + "trailing garbage", 8, &failed);
        QVERIFY(failed);
    }

    void an_empty_body_is_empty() {
        bool failed = true;
        QCOMPARE(gunzip("", 1, &failed), std::string());
        QVERIFY(!failed);
    }
};

QTEST_APPLESS_MAIN(GunzipFilterTest)
#include "gunzip_filter_test.moc"
