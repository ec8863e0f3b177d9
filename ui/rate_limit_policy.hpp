#pragma once
#include "config_document.hpp"

#include <QPointer>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {

// One rate_limit handler of the document as the editor's typed choices: the algorithm (and the
// fields it makes meaningless dropped with it), what a client is (key), what happens past the limit,
// Redis on or off, and the engine's defaults for every field left empty. Values are read from and
// written to the document, so undo, validation and Apply see every edit; plain values (rate, burst,
// durations, Redis address) are PathFields on the handler's JSON paths.
class RateLimitPolicy : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ConfigDocument* document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(QString handlerPath READ handlerPath WRITE setHandlerPath NOTIFY handlerPathChanged)
    // The catalogue's choices as [{value, label}] for ComboBox valueRole/textRole.
    Q_PROPERTY(QVariantList algorithms READ algorithms CONSTANT)
    Q_PROPERTY(QVariantList keyKinds READ keyKinds CONSTANT)
    Q_PROPERTY(QVariantList rejectKinds READ rejectKinds CONSTANT)
    Q_PROPERTY(QString algorithm READ algorithm WRITE setAlgorithm NOTIFY changed)
    Q_PROPERTY(bool usesBurst READ usesBurst NOTIFY changed)
    Q_PROPERTY(bool usesWindow READ usesWindow NOTIFY changed)
    // ip, user, api_key (the catalogue's), header (a header's value), placeholder (any text with placeholders).
    Q_PROPERTY(QString keyKind READ keyKind WRITE setKeyKind NOTIFY changed)
    Q_PROPERTY(QString keyHeader READ keyHeader WRITE setKeyHeader NOTIFY changed)
    // status (429 or the one written), delay or drop.
    Q_PROPERTY(QString rejectKind READ rejectKind WRITE setRejectKind NOTIFY changed)
    Q_PROPERTY(bool distributed READ distributed WRITE setDistributed NOTIFY changed)
    // What an empty field means, as the engine applies it: zone, burst, window, max_delay, max_keys,
    // api_key_header, api_key_query, address, sync_interval.
    Q_PROPERTY(QVariantMap defaults READ defaults NOTIFY changed)
    // The rule as the engine reads it, in a sentence ("" while the handler is not valid).
    Q_PROPERTY(QString summary READ summary NOTIFY changed)

public:
    explicit RateLimitPolicy(QObject* parent = nullptr);

    ConfigDocument* document() const { return document_; }
    void setDocument(ConfigDocument* document);
    QString handlerPath() const { return handlerPath_; }
    void setHandlerPath(const QString& path);

    QVariantList algorithms() const;
    QVariantList keyKinds() const;
    QVariantList rejectKinds() const;
    QString algorithm() const;
    void setAlgorithm(const QString& algorithm);
    bool usesBurst() const;
    bool usesWindow() const;
    QString keyKind() const;
    void setKeyKind(const QString& kind);
    QString keyHeader() const;
    void setKeyHeader(const QString& name);
    QString rejectKind() const;
    void setRejectKind(const QString& kind);
    bool distributed() const;
    void setDistributed(bool on);
    QVariantMap defaults() const;
    QString summary() const;

signals:
    void documentChanged();
    void handlerPathChanged();
    void changed();

private:
    const json* handler() const;
    QString field(const char* name) const;
    void write(const std::function<void(json& handler)>& change);

    QPointer<ConfigDocument> document_;
    QString handlerPath_;
};

} // namespace proxflow::ui
