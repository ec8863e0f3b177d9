import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// A handler whose module brings no console editor: its JSON, read-only; the Caddyfile view edits it.
ColumnLayout {
    id: root
    required property ConfigDocument document
    required property string handlerPath
    readonly property string handler: document.revision >= 0 ? document.textAt(handlerPath + ".handler") : ""
    spacing: 6

    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: qsTr("The console has no editor for “%1” yet; its JSON is below. Change it by importing a Caddyfile or JSON config (Caddyfile view).")
                  .arg(root.handler)
        color: palette.placeholderText
    }
    TextArea {
        objectName: "handlerJson"
        Layout.fillWidth: true
        readOnly: true
        selectByMouse: true
        wrapMode: TextEdit.Wrap
        font.family: "monospace"
        text: root.document.revision >= 0 ? root.document.jsonAt(root.handlerPath) : ""
    }
}
