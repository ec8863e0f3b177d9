import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// The adaptive selection policy's options (HANDLER.load_balancing.selection_policy.FIELD), shown
// while the policy is adaptive, each with the engine's default as placeholder and its error under it.
ColumnLayout {
    id: root
    required property ConfigDocument document
    required property string handlerPath
    property int columns: 3

    visible: settings.adaptive

    ResilienceSettings {
        id: settings
        document: root.document
        handlerPath: root.handlerPath
    }

    GridLayout {
        Layout.fillWidth: true
        columns: root.columns
        columnSpacing: 12
        rowSpacing: 6
        Repeater {
            model: [{ key: "history_length", label: qsTr("Intervals kept") },
                    { key: "update_interval", label: qsTr("Interval"), duration: true },
                    { key: "alpha", label: qsTr("Smoothing α (0–1)"), number: true }]
            PathField {
                required property var modelData
                Layout.fillWidth: true
                Layout.preferredWidth: 100 // equal shares of the row
                Layout.alignment: Qt.AlignTop
                document: root.document
                path: settings.policyPath + "." + modelData.key
                label: modelData.label
                placeholder: settings.defaults[modelData.key]
                number: modelData.number === true
                duration: modelData.duration === true
            }
        }
    }
}
