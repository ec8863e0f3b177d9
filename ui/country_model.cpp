#include "country_model.hpp"

#include <algorithm>

namespace proxflow::ui {

CountryModel::CountryModel(QObject* parent) : RowListModel({"code", "requests", "share", "meanLatencyMs"}, parent) {}

void CountryModel::update(const metrics::Snapshot& snapshot) {
    std::uint64_t total = 0;
    for (const auto& c : snapshot.countries) total += c.requests;
    unsorted_.clear();
    for (const auto& c : snapshot.countries)
        unsorted_ << QVariantMap{{"code", QString::fromStdString(c.code)},
                                 {"requests", QVariant::fromValue(static_cast<qulonglong>(c.requests))},
                                 {"share", total ? 100.0 * double(c.requests) / double(total) : 0.0},
                                 {"meanLatencyMs", c.mean_latency_ms}};
    resort();
}

void CountryModel::setSortRole(const QString& role) {
    if (role == sortRole_) return;
    sortRole_ = role;
    resort();
    emit sortChanged();
}

void CountryModel::setAscending(bool ascending) {
    if (ascending == ascending_) return;
    ascending_ = ascending;
    resort();
    emit sortChanged();
}

void CountryModel::sortBy(const QString& role) {
    if (role == sortRole_) setAscending(!ascending_);
    else {
        ascending_ = role == QLatin1String("code");
        setSortRole(role);
    }
}

void CountryModel::resort() {
    QList<QVariantMap> rows = unsorted_;
    std::stable_sort(rows.begin(), rows.end(), [this](const QVariantMap& a, const QVariantMap& b) {
        const int order = QVariant::compare(a.value(sortRole_), b.value(sortRole_)) == QPartialOrdering::Less ? -1
                          : QVariant::compare(a.value(sortRole_), b.value(sortRole_)) == QPartialOrdering::Greater ? 1
                                                                                                                 : 0;
        return ascending_ ? order < 0 : order > 0;
    });
    setRows(std::move(rows));
}

} // namespace proxflow::ui
