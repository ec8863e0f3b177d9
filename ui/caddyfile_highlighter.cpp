#include "caddyfile_highlighter.hpp"

#include <QRegularExpression>
#include <QTextCharFormat>

namespace proxflow::ui {

CaddyfileHighlighter::CaddyfileHighlighter(QObject* parent) : QSyntaxHighlighter(parent) {}

void CaddyfileHighlighter::setQuickDocument(QQuickTextDocument* document) {
    if (document == quick_) return;
    quick_ = document;
    setDocument(document ? document->textDocument() : nullptr);
    emit quickDocumentChanged();
}

void CaddyfileHighlighter::setDark(bool dark) {
    if (dark == dark_) return;
    dark_ = dark;
    rehighlight();
    emit darkChanged();
}

void CaddyfileHighlighter::highlightBlock(const QString& text) {
    struct Rule {
        QRegularExpression pattern;
        QColor light, dark;
        bool bold = false;
    };
    static const std::vector<Rule> rules = {
        {QRegularExpression(QStringLiteral(R"(^\s*[a-z_]+)")), QColor("#7c3aed"), QColor("#c4b5fd"), true},      // directive
        {QRegularExpression(QStringLiteral(R"(\b\d+(\.\d+)?(ms|s|m|h)?\b)")), QColor("#b45309"), QColor("#fbbf24")},
        {QRegularExpression(QStringLiteral(R"(\{[a-z_.]+\})")), QColor("#0e7490"), QColor("#67e8f9")},               // placeholder
        {QRegularExpression(QStringLiteral(R"(@[A-Za-z0-9_]+)")), QColor("#be185d"), QColor("#f9a8d4")},             // named matcher
        {QRegularExpression(QStringLiteral(R"("(\\.|[^"\\])*")")), QColor("#15803d"), QColor("#86efac")},
        {QRegularExpression(QStringLiteral(R"(#.*$)")), QColor("#6b7280"), QColor("#9ca3af")},
    };
    for (const Rule& rule : rules) {
        QTextCharFormat format;
        format.setForeground(dark_ ? rule.dark : rule.light);
        if (rule.bold) format.setFontWeight(QFont::DemiBold);
        for (auto it = rule.pattern.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            setFormat(m.capturedStart(), m.capturedLength(), format);
        }
    }
}

} // namespace proxflow::ui
