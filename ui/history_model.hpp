#pragma once
#include "row_list_model.hpp"

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace proxflow::ui {

// Every applied (or pulled) config, newest first, kept on disk beside the project so a user can
// always get back what was running before.
class HistoryModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
public:
    explicit HistoryModel(QObject* parent = nullptr);

    void add(const nlohmann::json& config, const QString& note);
    nlohmann::json configAt(int row) const;
    // Line diff of snapshot `older` → `newer` as [{kind: "+"|"-"|" ", text}].
    Q_INVOKABLE QVariantList diff(int older, int newer) const;

    static QString defaultFile();
    bool save(const QString& file = {}) const;
    bool restore(const QString& file = {});

private:
    struct Entry {
        QDateTime time;
        QString note;
        nlohmann::json config;
    };
    void refresh();

    std::vector<Entry> entries_; // newest first
};

// Longest-common-subsequence line diff; small configs only (quadratic).
QVariantList lineDiff(const QStringList& a, const QStringList& b);
// Only the changed lines and `context` lines around them; gaps become one {kind: "@", text: "…"}.
QVariantList withContext(const QVariantList& diff, int context);

} // namespace proxflow::ui
