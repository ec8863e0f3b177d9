#pragma once
#include <QColor>
#include <QHash>
#include <QPainterPath>
#include <QPointer>
#include <QQuickPaintedItem>
#include <QtQml/qqmlregistration.h>

class QAbstractItemModel;

namespace proxflow::ui {

// Requests by country on a world map: Natural Earth's 110m country shapes (world-atlas, converted
// at build time by world_shapes.js into the :/proxflow/world_shapes.json resource), filled from any
// model with "code" (ISO alpha-2) and "requests" roles, such as CountryModel. Countries without
// requests keep `emptyColor`; the others go from `lowColor` to `highColor` on a log scale.
class WorldMap : public QQuickPaintedItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QAbstractItemModel* model READ model WRITE setModel NOTIFY modelChanged)
    Q_PROPERTY(int shapeCount READ shapeCount CONSTANT)
    Q_PROPERTY(double maxRequests READ maxRequests NOTIFY volumesChanged)
    Q_PROPERTY(QColor emptyColor MEMBER emptyColor_ NOTIFY coloursChanged)
    Q_PROPERTY(QColor lowColor MEMBER lowColor_ NOTIFY coloursChanged)
    Q_PROPERTY(QColor highColor MEMBER highColor_ NOTIFY coloursChanged)
    Q_PROPERTY(QColor borderColor MEMBER borderColor_ NOTIFY coloursChanged)

public:
    explicit WorldMap(QQuickItem* parent = nullptr);

    QAbstractItemModel* model() const { return model_; }
    void setModel(QAbstractItemModel* model);
    int shapeCount() const;
    double maxRequests() const { return maxRequests_; }

    // The fill of a country (ISO alpha-2) as drawn now.
    Q_INVOKABLE QColor colorFor(const QString& code) const;
    // The country under a point in item coordinates: {code, name, requests}, or {} over the sea.
    Q_INVOKABLE QVariantMap countryAt(const QPointF& point) const;

    void paint(QPainter* painter) override;

signals:
    void modelChanged();
    void volumesChanged();
    void coloursChanged();

private:
    void readVolumes();
    QTransform projection() const;

    QPointer<QAbstractItemModel> model_;
    QHash<QString, double> volumes_;
    double maxRequests_ = 0;
    QColor emptyColor_{0xd7, 0xdb, 0xe0};
    QColor lowColor_{0xbf, 0xdb, 0xfe};
    QColor highColor_{0x1d, 0x4e, 0xd8};
    QColor borderColor_{0xff, 0xff, 0xff};
};

} // namespace proxflow::ui
