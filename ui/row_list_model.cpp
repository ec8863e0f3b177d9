#include "row_list_model.hpp"

namespace proxflow::ui {

RowListModel::RowListModel(QStringList roles, QObject* parent) : QAbstractListModel(parent), roles_(std::move(roles)) {}

int RowListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }

QVariant RowListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const int column = role - Qt::UserRole - 1;
    if (role == Qt::DisplayRole) return rows_[index.row()].value(roles_.value(0));
    if (column < 0 || column >= roles_.size()) return {};
    return rows_[index.row()].value(roles_[column]);
}

QHash<int, QByteArray> RowListModel::roleNames() const {
    QHash<int, QByteArray> names;
    for (int i = 0; i < roles_.size(); ++i) names.insert(Qt::UserRole + 1 + i, roles_[i].toUtf8());
    return names;
}

QVariantMap RowListModel::get(int row) const { return row >= 0 && row < rows_.size() ? rows_[row] : QVariantMap(); }

QVariant RowListModel::value(int row, const QString& role) const { return get(row).value(role); }

void RowListModel::setRows(QList<QVariantMap> rows) {
    const int before = static_cast<int>(rows_.size());
    const int after = static_cast<int>(rows.size());
    // Rows keep their identity (the first role) across appends and truncations; anything else resets.
    bool prefix = true;
    const QString key = roles_.value(0);
    for (int i = 0; i < std::min(before, after) && prefix; ++i) prefix = rows_[i].value(key) == rows[i].value(key);
    if (before != after && !prefix) {
        beginResetModel();
        rows_ = std::move(rows);
        endResetModel();
        emit countChanged();
        return;
    }
    if (after > before) {
        beginInsertRows({}, before, after - 1);
        rows_ = std::move(rows);
        endInsertRows();
    } else if (after < before) {
        beginRemoveRows({}, after, before - 1);
        rows_.resize(after);
        endRemoveRows();
        for (int i = 0; i < after; ++i) rows_[i] = rows[i];
    } else {
        rows_ = std::move(rows);
    }
    const int common = std::min(before, after);
    if (common > 0) emit dataChanged(index(0), index(common - 1));
    if (before != after) emit countChanged();
}

} // namespace proxflow::ui
