#pragma once
#include <QAbstractListModel>
#include <QList>
#include <QVariantMap>

namespace proxflow::ui {

// A list model whose rows are recomputed as a whole (from the config or a metrics snapshot) and
// applied as appends, truncations and dataChanged when rows keep their keys (the first role), so
// views keep their selection and scroll position; other changes reset the model.
class RowListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    explicit RowListModel(QStringList roles, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE QVariantMap get(int row) const;
    Q_INVOKABLE QVariant value(int row, const QString& role) const;

signals:
    void countChanged();

protected:
    void setRows(QList<QVariantMap> rows);
    const QList<QVariantMap>& rows() const { return rows_; }

private:
    QStringList roles_;
    QList<QVariantMap> rows_;
};

} // namespace proxflow::ui
