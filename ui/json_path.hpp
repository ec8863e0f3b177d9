#pragma once
#include <nlohmann/json.hpp>

#include <QString>
#include <QVariant>

#include <string>
#include <variant>
#include <vector>

namespace proxflow::ui {

using json = nlohmann::json;

// A location in the config written as the engine writes it in ConfigError::path(), e.g.
// "apps.http.servers.srv0.routes[0].handle[0].upstreams[1].dial". The console names its fields with
// the same strings, so an engine error lands on the field that shows that value.
class JsonPath {
public:
    using Step = std::variant<std::string, std::size_t>;

    JsonPath() = default;
    explicit JsonPath(const QString& text);

    const std::vector<Step>& steps() const { return steps_; }
    bool empty() const { return steps_.empty(); }

    // The value at the path, or null when any step is missing.
    const json* find(const json& root) const;
    // Creates objects (and pads arrays with nulls) along the way.
    json& make(json& root) const;
    // Removes the value; true when it existed.
    bool remove(json& root) const;

    JsonPath parent() const;
    Step last() const { return steps_.back(); }
    QString text() const;

private:
    std::vector<Step> steps_;
};

// True when `error` names `field` or something inside it.
bool pathCovers(const QString& field, const QString& error);

QVariant toVariant(const json& value);
json fromVariant(const QVariant& value);

} // namespace proxflow::ui
