import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// Requests by client country, sortable by clicking a column header.
ColumnLayout {
    id: table
    required property CountryModel model
    spacing: 4

    readonly property var columns: [
        { role: "code", title: qsTr("Country"), width: 74 },
        { role: "requests", title: qsTr("Requests"), width: 96 },
        { role: "share", title: qsTr("Share"), width: 66 },
        { role: "meanLatencyMs", title: qsTr("Mean ms"), width: 84 }
    ]

    Label { text: qsTr("Requests by country"); font.bold: true }
    RowLayout {
        spacing: 0
        Repeater {
            model: table.columns
            ItemDelegate {
                required property var modelData
                objectName: "column_" + modelData.role
                Layout.preferredWidth: modelData.width
                height: 28
                text: modelData.title + (table.model.sortRole === modelData.role ? (table.model.ascending ? " ▲" : " ▼") : "")
                font.bold: true
                font.pixelSize: 12
                onClicked: table.model.sortBy(modelData.role)
            }
        }
    }
    ListView {
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        model: table.model
        delegate: RowLayout {
            required property int index
            required property string code
            required property var requests
            required property double share
            required property double meanLatencyMs
            spacing: 0
            height: 24
            Label { text: code === "local" ? qsTr("local") : code; Layout.preferredWidth: 74; leftPadding: 12 }
            Label { text: requests; Layout.preferredWidth: 96; leftPadding: 12 }
            Label { text: share.toFixed(1) + " %"; Layout.preferredWidth: 66; leftPadding: 12 }
            Label { text: meanLatencyMs.toFixed(1); Layout.preferredWidth: 84; leftPadding: 12 }
        }
        Label {
            anchors.centerIn: parent
            visible: parent.count === 0
            text: qsTr("No requests yet")
            color: palette.placeholderText
        }
    }
}
