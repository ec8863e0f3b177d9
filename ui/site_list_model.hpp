#pragma once
#include "config_document.hpp"
#include "row_list_model.hpp"
#include "metrics/snapshot.hpp"

#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {


// Sites are the config's HTTP servers (apps.http.servers.NAME): listen addresses, the hostnames
// their routes match, and live request counts from the last metrics snapshot.
class SiteListModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ConfigDocument* document READ document WRITE setDocument NOTIFY documentChanged)
public:
    explicit SiteListModel(QObject* parent = nullptr);

    ConfigDocument* document() const { return document_; }
    void setDocument(ConfigDocument* document);
    void updateLive(const metrics::Snapshot& snapshot);
    Q_INVOKABLE int indexOf(const QString& name) const;

signals:
    void documentChanged();

private:
    void refresh();

    QPointer<ConfigDocument> document_;
    std::vector<metrics::ServerStats> live_;
};

} // namespace proxflow::ui
