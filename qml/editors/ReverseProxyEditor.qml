import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// A reverse_proxy handler in the route editor: its upstreams at a glance and adding one; policy,
// health checks and live state are in the Upstreams view.
ColumnLayout {
    id: root
    required property ConfigDocument document
    required property string handlerPath
    spacing: 6

    Label {
        objectName: "upstreamSummary"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        readonly property int upstreams: root.document.revision >= 0 ? root.document.count(root.handlerPath + ".upstreams") : 0
        text: upstreams === 0 ? qsTr("No upstreams yet: add the address of a server to send requests to.")
                              : qsTr("%1 upstream(s); policy, health checks and live state are in the Upstreams view.").arg(upstreams)
        color: palette.placeholderText
    }
    Label {
        visible: text !== ""
        text: root.document.errorPath !== undefined ? root.document.errorFor(root.handlerPath + ".upstreams") : ""
        color: "#dc2626"
    }
    RowLayout {
        TextField {
            id: dial
            objectName: "routeUpstreamDial"
            placeholderText: "127.0.0.1:9000"
            Layout.preferredWidth: 220
            onAccepted: add.clicked()
        }
        Button {
            id: add
            objectName: "routeAddUpstream"
            text: qsTr("Add upstream")
            enabled: dial.text !== ""
            onClicked: { root.document.addUpstream(root.handlerPath, dial.text); dial.text = "" }
        }
    }
}
