import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One headline number on the dashboard.
Rectangle {
    id: card
    property string title
    property string value
    property color accent: palette.highlight

    implicitHeight: 72
    radius: 6
    color: palette.base
    border.color: palette.mid

    Rectangle { width: 4; height: parent.height - 16; anchors.verticalCenter: parent.verticalCenter; x: 8; radius: 2; color: card.accent }
    ColumnLayout {
        anchors.fill: parent
        anchors.leftMargin: 22
        anchors.topMargin: 10
        anchors.bottomMargin: 10
        spacing: 2
        Label { text: card.title; font.pixelSize: 12; color: palette.placeholderText; elide: Text.ElideRight; Layout.fillWidth: true }
        Label { objectName: "value"; text: card.value; font.pixelSize: 22; font.bold: true; elide: Text.ElideRight; Layout.fillWidth: true }
    }
}
