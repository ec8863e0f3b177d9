#include "json_path.hpp"

#include <QJSValue>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

namespace proxflow::ui {

JsonPath::JsonPath(const QString& text) {
    const std::string s = text.toStdString();
    std::string name;
    auto flush = [&] {
        if (!name.empty()) steps_.emplace_back(name);
        name.clear();
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '.') {
            flush();
        } else if (c == '[') {
            flush();
            const auto close = s.find(']', i);
            if (close == std::string::npos) break;
            steps_.emplace_back(static_cast<std::size_t>(std::stoul(s.substr(i + 1, close - i - 1))));
            i = close;
        } else {
            name += c;
        }
    }
    flush();
}

const json* JsonPath::find(const json& root) const {
    const json* at = &root;
    for (const auto& step : steps_) {
        if (const auto* key = std::get_if<std::string>(&step)) {
            if (!at->is_object()) return nullptr;
            auto it = at->find(*key);
            if (it == at->end()) return nullptr;
            at = &*it;
        } else {
            const auto index = std::get<std::size_t>(step);
            if (!at->is_array() || index >= at->size()) return nullptr;
            at = &(*at)[index];
        }
    }
    return at;
}

json& JsonPath::make(json& root) const {
    json* at = &root;
    for (const auto& step : steps_) {
        if (const auto* key = std::get_if<std::string>(&step)) {
            if (!at->is_object()) *at = json::object();
            at = &(*at)[*key];
        } else {
            const auto index = std::get<std::size_t>(step);
            if (!at->is_array()) *at = json::array();
            while (at->size() <= index) at->push_back(nullptr);
            at = &(*at)[index];
        }
    }
    return *at;
}

bool JsonPath::remove(json& root) const {
    if (steps_.empty()) return false;
    JsonPath up = parent();
    json* container = const_cast<json*>(up.find(root));
    if (!container) return false;
    if (const auto* key = std::get_if<std::string>(&steps_.back()))
        return container->is_object() && container->erase(*key) > 0;
    const auto index = std::get<std::size_t>(steps_.back());
    if (!container->is_array() || index >= container->size()) return false;
    container->erase(index);
    return true;
}

JsonPath JsonPath::parent() const {
    JsonPath p;
    p.steps_.assign(steps_.begin(), steps_.empty() ? steps_.end() : steps_.end() - 1);
    return p;
}

QString JsonPath::text() const {
    std::string out;
    for (const auto& step : steps_) {
        if (const auto* key = std::get_if<std::string>(&step)) {
            if (!out.empty()) out += '.';
            out += *key;
        } else {
            out += '[' + std::to_string(std::get<std::size_t>(step)) + ']';
        }
    }
    return QString::fromStdString(out);
}

bool pathCovers(const QString& field, const QString& error) {
    if (field.isEmpty() || error.isEmpty()) return false;
    if (error == field) return true;
    return error.startsWith(field) && (error[field.size()] == '.' || error[field.size()] == '[');
}

QVariant toVariant(const json& value) {
    if (value.is_null()) return {};
    if (value.is_string()) return QString::fromStdString(value.get<std::string>());
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_number_integer()) return QVariant::fromValue(value.get<qint64>());
    if (value.is_number()) return value.get<double>();
    return QJsonDocument::fromJson(QByteArray::fromStdString(value.dump())).toVariant();
}

json fromVariant(const QVariant& value) {
    if (!value.isValid() || value.isNull()) return nullptr;
    // A JS object or array passed from QML (setValue(path, {policy: "adaptive"})) arrives wrapped.
    if (value.metaType() == QMetaType::fromType<QJSValue>()) return fromVariant(value.value<QJSValue>().toVariant());
    switch (value.typeId()) {
    case QMetaType::QString: return value.toString().toStdString();
    case QMetaType::Bool: return value.toBool();
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong: return value.toLongLong();
    case QMetaType::Double: {
        const double d = value.toDouble();
        if (d == static_cast<double>(static_cast<qint64>(d))) return static_cast<qint64>(d);
        return d;
    }
    default: break;
    }
    const QJsonValue v = QJsonValue::fromVariant(value);
    QByteArray bytes;
    if (v.isObject()) bytes = QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
    else if (v.isArray()) bytes = QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact);
    else return value.toString().toStdString();
    return json::parse(bytes.toStdString(), nullptr, false);
}

} // namespace proxflow::ui
