import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// One choice of a typed property: its label, the choices ([{value, label}], from C++), and, as
// PathField does, the engine's error for its JSON path under it.
ColumnLayout {
    id: root
    required property ConfigDocument document
    property string path // whose error shows here ("" for none)
    property string label
    property var choices: []
    property string current
    signal chosen(string value)
    readonly property string error: document && document.errorPath !== undefined ? document.errorFor(path) : ""
    property alias box: box

    spacing: 2

    Label {
        text: root.label
        visible: root.label !== ""
        font.pixelSize: 12
        color: palette.placeholderText
    }
    ComboBox {
        id: box
        objectName: "choice:" + root.path
        Layout.fillWidth: true
        model: root.choices
        textRole: "label"
        valueRole: "value"
        currentIndex: root.choices.findIndex(choice => choice.value === root.current)
        onActivated: index => root.chosen(root.choices[index].value)
    }
    Label {
        objectName: "error:" + root.path
        visible: root.error !== ""
        text: root.error
        color: "#dc2626"
        font.pixelSize: 12
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }
}
