import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// A text field bound to one value of the config by JSON path. Edits go straight into the document
// (validated as you type); the engine's error for this path, if any, shows under the field.
ColumnLayout {
    id: root
    required property ConfigDocument document
    required property string path
    property string label
    property string placeholder
    property bool list: false // comma-separated into a JSON array of strings
    // A duration: nanoseconds read as Caddy writes them ("1m30s"); typed text stays text, which the
    // engine parses (so "60" without a unit is its error, not 60 ns).
    property bool duration: false
    property bool number: false // a decimal ("0.5") is written as a number, as integers always are
    // errorPath is read so the binding follows errorChanged.
    readonly property string error: document && document.errorPath !== undefined ? document.errorFor(path) : ""
    property alias field: input

    spacing: 2

    function current() { return root.duration ? root.document.durationTextAt(root.path) : root.document.textAt(root.path) }
    function write(text) {
        if (root.list) root.document.setList(root.path, text)
        else if (root.number) root.document.setNumber(root.path, text)
        else if (!root.duration) root.document.setText(root.path, text)
        else if (text.trim() === "") root.document.remove(root.path)
        else root.document.setValue(root.path, text)
    }
    function normalized(text) {
        // "0." or "0.50" while typing is the number the document holds (0, 0.5): leave the text alone.
        if (root.number && text.trim() !== "" && Number(text) === Number(root.current())) return root.current()
        if (!root.list) return text.trim() === "" ? "" : text
        return text.split(",").map(s => s.trim()).filter(s => s !== "").join(", ")
    }

    Label {
        text: root.label
        visible: root.label !== ""
        font.pixelSize: 12
        color: palette.placeholderText
    }
    TextField {
        id: input
        objectName: "field:" + root.path
        Layout.fillWidth: true
        placeholderText: root.placeholder
        selectByMouse: true
        Component.onCompleted: text = root.current()
        onTextEdited: root.write(text)
        background: Rectangle {
            implicitHeight: 30
            radius: 3
            color: palette.base
            border.width: root.error !== "" ? 2 : 1
            border.color: root.error !== "" ? "#dc2626" : input.activeFocus ? palette.highlight : palette.mid
        }
    }
    Connections {
        target: root.document
        function onChanged() {
            if (root.normalized(input.text) !== root.current())
                input.text = root.current()
        }
    }
    onPathChanged: input.text = root.current()
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
