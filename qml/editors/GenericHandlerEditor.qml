import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// A handler whose module brings no console editor: read-only, as the Caddyfile directive it exports
// to (its JSON when it has no Caddyfile form); the Caddyfile view edits it.
ColumnLayout {
    id: root
    required property ConfigDocument document
    required property string handlerPath
    readonly property string handler: document.revision >= 0 ? document.textAt(handlerPath + ".handler") : ""
    readonly property string caddyfile: document.revision >= 0 ? document.caddyfileAt(handlerPath) : ""
    spacing: 6

    FontMetrics { id: fontMetrics; font.family: "monospace" }

    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: (root.caddyfile !== ""
               ? qsTr("The console has no editor for “%1” yet; this is its Caddyfile, read-only.")
               : qsTr("The console has no editor for “%1” yet; its JSON is below, read-only."))
                  .arg(root.handler) + " " + qsTr("Change it in the Caddyfile view (import), or push it to a server in the Servers view.")
        color: palette.placeholderText
    }
    TextArea {
        objectName: "handlerText"
        Layout.fillWidth: true
        readOnly: true
        selectByMouse: true
        wrapMode: TextEdit.Wrap
        font.family: "monospace"
        tabStopDistance: 4 * fontMetrics.averageCharacterWidth
        text: root.caddyfile !== "" ? root.caddyfile : (root.document.revision >= 0 ? root.document.jsonAt(root.handlerPath) : "")
    }
}
