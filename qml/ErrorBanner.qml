import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// The config's current validation error with its JSON path, so an error is visible even when the
// field it names is not on screen.
Rectangle {
    id: banner
    required property ConfigDocument document
    visible: document !== null && document.errorMessage !== ""
    implicitHeight: visible ? text.implicitHeight + 16 : 0
    radius: 4
    color: "#33dc2626"
    border.color: "#dc2626"

    Label {
        id: text
        objectName: "errorBanner"
        anchors.fill: parent
        anchors.margins: 8
        wrapMode: Text.Wrap
        text: !banner.document ? "" : banner.document.errorPath !== ""
              ? qsTr("%1 — at %2").arg(banner.document.errorMessage).arg(banner.document.errorPath)
              : banner.document.errorMessage
    }
}
