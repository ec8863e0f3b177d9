#include "world_map.hpp"

#include <QAbstractItemModel>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>

#include <cmath>

namespace proxflow::ui {
namespace {

struct CountryShape {
    QString code, name;
    QPainterPath path; // longitude right, latitude up-is-negative (y = -lat), in degrees
};

// The map shows latitudes 84°N to 57°S (Antarctica is not in the data).
constexpr double north = 84, south = -57;

const std::vector<CountryShape>& shapes() {
    static const std::vector<CountryShape> loaded = [] {
        std::vector<CountryShape> out;
        QFile file(QStringLiteral(":/proxflow/world_shapes.json"));
        if (!file.open(QIODevice::ReadOnly)) return out;
        for (const QJsonValue& country : QJsonDocument::fromJson(file.readAll()).array()) {
            CountryShape shape{country[QLatin1String("code")].toString(), country[QLatin1String("name")].toString(), {}};
            shape.path.setFillRule(Qt::OddEvenFill); // holes (Lesotho in South Africa) stay holes
            for (const QJsonValue& ringValue : country[QLatin1String("rings")].toArray()) {
                const QJsonArray ring = ringValue.toArray();
                for (qsizetype i = 0; i + 1 < ring.size(); i += 2) {
                    const QPointF p(ring[i].toDouble(), -ring[i + 1].toDouble());
                    i == 0 ? shape.path.moveTo(p) : shape.path.lineTo(p);
                }
                shape.path.closeSubpath();
            }
            out.push_back(std::move(shape));
        }
        return out;
    }();
    return loaded;
}

QColor mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t), float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

} // namespace

WorldMap::WorldMap(QQuickItem* parent) : QQuickPaintedItem(parent) {
    setAntialiasing(true);
    connect(this, &WorldMap::coloursChanged, this, [this] { update(); });
}

int WorldMap::shapeCount() const { return int(shapes().size()); }

void WorldMap::setModel(QAbstractItemModel* model) {
    if (model == model_) return;
    if (model_) disconnect(model_, nullptr, this, nullptr);
    model_ = model;
    if (model_) {
        connect(model_, &QAbstractItemModel::modelReset, this, &WorldMap::readVolumes);
        connect(model_, &QAbstractItemModel::layoutChanged, this, &WorldMap::readVolumes);
        connect(model_, &QAbstractItemModel::dataChanged, this, &WorldMap::readVolumes);
        connect(model_, &QAbstractItemModel::rowsInserted, this, &WorldMap::readVolumes);
        connect(model_, &QAbstractItemModel::rowsRemoved, this, &WorldMap::readVolumes);
    }
    readVolumes();
    emit modelChanged();
}

void WorldMap::readVolumes() {
    volumes_.clear();
    maxRequests_ = 0;
    if (model_) {
        const QHash<int, QByteArray> roles = model_->roleNames();
        const int code = roles.key("code", -1), requests = roles.key("requests", -1);
        for (int row = 0; code >= 0 && requests >= 0 && row < model_->rowCount(); ++row) {
            const QModelIndex index = model_->index(row, 0);
            const double n = model_->data(index, requests).toDouble();
            volumes_.insert(model_->data(index, code).toString().toUpper(), n);
            maxRequests_ = std::max(maxRequests_, n);
        }
    }
    emit volumesChanged();
    update();
}

QColor WorldMap::colorFor(const QString& code) const {
    const double n = volumes_.value(code.toUpper(), 0);
    if (n <= 0 || maxRequests_ <= 0) return emptyColor_;
    // log scale: one request is visible next to a million
    return mix(lowColor_, highColor_, std::log1p(n) / std::log1p(maxRequests_));
}

QTransform WorldMap::projection() const {
    // Equirectangular, centred, keeping degrees square.
    const double spanX = 360, spanY = north - south;
    const double scale = std::min(width() / spanX, height() / spanY);
    const double left = (width() - spanX * scale) / 2, top = (height() - spanY * scale) / 2;
    return QTransform(scale, 0, 0, scale, left + 180 * scale, top + north * scale);
}

void WorldMap::paint(QPainter* painter) {
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setTransform(projection(), true);
    painter->setClipRect(QRectF(-180, -north, 360, north - south)); // the copies of rings across ±180°
    QPen border(borderColor_, 0.6);
    border.setCosmetic(true);
    painter->setPen(border);
    for (const CountryShape& shape : shapes()) {
        painter->setBrush(colorFor(shape.code));
        painter->drawPath(shape.path);
    }
}

QVariantMap WorldMap::countryAt(const QPointF& point) const {
    bool invertible = false;
    const QPointF degrees = projection().inverted(&invertible).map(point);
    if (!invertible) return {};
    for (const CountryShape& shape : shapes())
        if (shape.path.contains(degrees))
            return {{QStringLiteral("code"), shape.code}, {QStringLiteral("name"), shape.name},
                    {QStringLiteral("requests"), volumes_.value(shape.code, 0)}};
    return {};
}

} // namespace proxflow::ui
