#pragma once
#include "row_list_model.hpp"
#include "metrics/snapshot.hpp"

#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {

// Requests by client country from the last snapshot, sortable by any role.
class CountryModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString sortRole READ sortRole WRITE setSortRole NOTIFY sortChanged)
    Q_PROPERTY(bool ascending READ ascending WRITE setAscending NOTIFY sortChanged)
public:
    explicit CountryModel(QObject* parent = nullptr);

    void update(const metrics::Snapshot& snapshot);
    QString sortRole() const { return sortRole_; }
    void setSortRole(const QString& role);
    bool ascending() const { return ascending_; }
    void setAscending(bool ascending);
    // Clicking a header twice flips the order.
    Q_INVOKABLE void sortBy(const QString& role);

signals:
    void sortChanged();

private:
    void resort();

    QList<QVariantMap> unsorted_;
    QString sortRole_ = QStringLiteral("requests");
    bool ascending_ = false;
};

} // namespace proxflow::ui
