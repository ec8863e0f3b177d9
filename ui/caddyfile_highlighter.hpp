#pragma once
#include <QPointer>
#include <QQuickTextDocument>
#include <QSyntaxHighlighter>
#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {

// Colours a TextArea's Caddyfile (or JSON) text: comments, directives, placeholders, strings, numbers.
class CaddyfileHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument* document READ quickDocument WRITE setQuickDocument NOTIFY quickDocumentChanged)
    Q_PROPERTY(bool dark READ dark WRITE setDark NOTIFY darkChanged)
public:
    explicit CaddyfileHighlighter(QObject* parent = nullptr);

    QQuickTextDocument* quickDocument() const { return quick_; }
    void setQuickDocument(QQuickTextDocument* document);
    bool dark() const { return dark_; }
    void setDark(bool dark);

signals:
    void quickDocumentChanged();
    void darkChanged();

protected:
    void highlightBlock(const QString& text) override;

private:
    QPointer<QQuickTextDocument> quick_;
    bool dark_ = false;
};

} // namespace proxflow::ui
