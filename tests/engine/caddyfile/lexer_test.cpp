// The Caddyfile lexer reads every odd input as Caddy 2.6.2's lexer does (caddyfile/lexer.go): the
// expected tokens here are what Caddy makes of the same text.
#include "caddyfile/lexer.hpp"

#include <QtTest>

using namespace proxflow::caddyfile;

namespace {

// "text@line" per token, quoted ones in the quote they were written with.
QStringList lexed(std::string_view text) {
    QStringList out;
    for (const auto& t : tokenize(text, "Caddyfile"))
        out << QString::fromStdString((t.quote ? std::string(1, t.quote) : "") + t.text + "@" + std::to_string(t.line) +
                                      (t.line_break ? "^" : ""));
    return out;
}

} // namespace

class LexerTest : public QObject {
    Q_OBJECT
private slots:
    void words_quotes_and_comments() {
        QCOMPARE(lexed("a \"b c\" `d \"e\"` # x\nf#g"), QStringList({"a@1^", "\"b c@1", "`d \"e\"@1", "f#g@2^"}));
    }

    void inside_double_quotes_only_an_escaped_quote_loses_its_backslash() {
        QCOMPARE(lexed("\"a\\\"b\\\\c\\d\""), QStringList({"\"a\"b\\\\c\\d@1^"}));
    }

    void an_escaped_quote_before_a_token_still_opens_a_quoted_one() {
        // map_and_vars_with_raw_types in Caddy's own adapt tests: \""" is the one-character string ".
        QCOMPARE(lexed("default \\\"\"\""), QStringList({"default@1^", "\"\"@1"}));
    }

    void outside_quotes_a_backslash_stays_with_the_character_it_escapes() {
        QCOMPARE(lexed("a\\b \\ c"), QStringList({"a\\b@1^", "\\c@1"}));
    }

    void an_escaped_newline_continues_the_line_and_its_tokens_keep_its_number() {
        QCOMPARE(lexed("a \\\nb\nc"), QStringList({"a@1^", "b@1", "c@3^"}));
    }

    void a_carriage_return_vanishes_even_inside_a_word() {
        QCOMPARE(lexed("ab\rcd\r\ne"), QStringList({"abcd@1^", "e@2^"}));
    }

    void an_unterminated_quote_runs_to_the_end() {
        QCOMPARE(lexed("a \"b c"), QStringList({"a@1^", "b c@1"}));
    }

    void a_multi_line_quoted_token_moves_the_line_count_on() {
        QCOMPARE(lexed("\"a\nb\" c\nd"), QStringList({"\"a\nb@1^", "c@2", "d@3^"}));
    }
};

QTEST_APPLESS_MAIN(LexerTest)
#include "lexer_test.moc"
