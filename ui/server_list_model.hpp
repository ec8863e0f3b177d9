#pragma once
#include "row_list_model.hpp"

#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {

// The Servers view's list: the embedded engine first, then the remote proxflow or Caddy admin
// addresses the user added, remembered (atomically, servers.json under AppConfigLocation).
class ServerListModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ConsoleSession")
public:
    explicit ServerListModel(QObject* parent = nullptr);

    // Adds a remote admin address ("host:port" or a URL); returns its row (the existing one if known).
    Q_INVOKABLE int add(const QString& address);
    Q_INVOKABLE void remove(int row); // the embedded engine (row 0) stays
    Q_INVOKABLE int rowOf(const QString& address) const; // 0 (the embedded engine) when not listed
    QStringList remoteAddresses() const;

    void setPersistent(bool persistent) { persistent_ = persistent; }
    static QString defaultFile();
    bool save(const QString& file = {}) const;
    bool restore(const QString& file = {});

private:
    void refresh(const QStringList& remotes);

    bool persistent_ = false;
};

} // namespace proxflow::ui
