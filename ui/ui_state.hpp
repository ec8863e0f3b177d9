#pragma once
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {

// What the window shows (view, site, theme): saved with the project, atomically, beside config.json
// under AppConfigLocation, and restored on start so the console opens where the user left it.
class UiState : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ConsoleSession")
    Q_PROPERTY(QString currentView READ currentView WRITE setCurrentView NOTIFY currentViewChanged)
    Q_PROPERTY(QString currentSite READ currentSite WRITE setCurrentSite NOTIFY currentSiteChanged)
    Q_PROPERTY(bool dark READ dark WRITE setDark NOTIFY darkChanged)

public:
    explicit UiState(QObject* parent = nullptr);

    QString currentView() const { return currentView_; }
    void setCurrentView(const QString& view);
    QString currentSite() const { return currentSite_; }
    void setCurrentSite(const QString& site);
    bool dark() const { return dark_; }
    void setDark(bool dark);

    static QString defaultFile();
    bool save(const QString& file = {}) const;
    bool restore(const QString& file = {});

signals:
    void currentViewChanged();
    void currentSiteChanged();
    void darkChanged();

private:
    QString currentView_ = QStringLiteral("sites");
    QString currentSite_;
    bool dark_ = false;
};

} // namespace proxflow::ui
