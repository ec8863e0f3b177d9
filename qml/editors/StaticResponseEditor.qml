import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// A static_response handler: status and body, or, with the console's redirect preset (a Location
// header and a 3xx status, Caddy's `redir`), where to send the client.
ColumnLayout {
    id: root
    required property ConfigDocument document
    required property string handlerPath
    readonly property bool redirect: document.revision >= 0 && document.textAt(handlerPath + ".headers.Location") !== ""
    spacing: 6

    Switch {
        objectName: "redirectPreset"
        text: qsTr("Redirect")
        checked: root.redirect
        onToggled: {
            if (checked) root.document.setHandlerType(root.handlerPath, "redirect")
            else root.document.resetHandler(root.handlerPath)
            checked = Qt.binding(() => root.redirect) // the document decides, also after undo
        }
    }
    RowLayout {
        Layout.fillWidth: true
        spacing: 10
        PathField {
            Layout.preferredWidth: 120
            document: root.document
            path: root.handlerPath + ".status_code"
            label: qsTr("Status")
        }
        PathField {
            Layout.fillWidth: true
            visible: !root.redirect
            document: root.document
            path: root.handlerPath + ".body"
            label: qsTr("Body")
        }
        PathField {
            Layout.fillWidth: true
            visible: root.redirect
            document: root.document
            path: root.handlerPath + ".headers.Location[0]"
            label: qsTr("Redirect to")
        }
    }
}
