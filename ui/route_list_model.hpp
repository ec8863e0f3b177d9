#pragma once
#include "config_document.hpp"
#include "row_list_model.hpp"

#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {


// The routes of one site (apps.http.servers.NAME.routes), with their matchers and the kind of
// their first handler: reverse_proxy, static_response, redirect (a static_response with Location).
class RouteListModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ConfigDocument* document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(QString serverName READ serverName WRITE setServerName NOTIFY serverNameChanged)
public:
    explicit RouteListModel(QObject* parent = nullptr);

    ConfigDocument* document() const { return document_; }
    void setDocument(ConfigDocument* document);
    QString serverName() const { return serverName_; }
    void setServerName(const QString& name);

signals:
    void documentChanged();
    void serverNameChanged();

private:
    void refresh();

    QPointer<ConfigDocument> document_;
    QString serverName_;
};

} // namespace proxflow::ui
